/**
 * Conversation repair in waiting states, tried before global transitions: "cancel" (to the
 * nearest flow's `repair.cancel.to`, leaving sub-flows on the way) and "change the <slot> to …".
 */
import { leave, type RunOutcome } from './leave.js';
import { flowSlots, isCancel, parseCorrection } from './repair-phrases.js';
import { askOrComplete, isValid, setSlot } from './slot-filling.js';
import { slotValue } from './slot-values.js';
import type { FlowSlot, StateOf } from './state-schema.js';
import { cancelTarget, unwindTo } from './subflow.js';
import type { Turn } from './turn.js';

/** Waiting states whose message may be a cancel or a correction (an agent handles its own). */
type RepairableState = StateOf<'intent'> | StateOf<'slot_filling'>;

/** An outcome when the message was a repair, undefined when it was not. */
export function tryRepair(turn: Turn, name: string, state: RepairableState): RunOutcome | null | undefined {
  const text = turn.ctx.internal.message?.text ?? null;
  if (!text) return undefined;
  const target = cancelTarget(turn);
  if (target && isCancel(target.cancel.phrases, text)) {
    const from = target.frame === null ? name : unwindTo(turn, target.frame);
    if (from === null) return undefined;
    turn.ctx.internal.returnStack = [];
    turn.emit({ type: 'repair', state: from, kind: 'cancel', to: target.cancel.to });
    return leave(turn, from, target.cancel.to, null, 'cancel');
  }
  if (turn.flow.definition.repair?.corrections === false) return undefined;
  const correction = parseCorrection(text);
  return correction ? correct(turn, name, state, correction) : undefined;
}

/** The named slot: one of this state's, else one the flow filled earlier. */
function slotToCorrect(turn: Turn, state: RepairableState, words: string): FlowSlot | undefined {
  const named = (slot: FlowSlot) => [slot.name, slot.name.replace(/_/g, ' '), ...(slot.aliases ?? [])].some((n) => n.toLowerCase() === words.replace(/^(?:the|my)\s+/, ''));
  const own = state.type === 'slot_filling' ? state.slots.find(named) : undefined;
  if (own) return own;
  return flowSlots(turn.flow.definition).find((slot) => named(slot) && (turn.ctx.slots[slot.name] ?? null) !== null);
}

function correct(turn: Turn, name: string, state: RepairableState, correction: { slot: string; value: string }): RunOutcome | null | undefined {
  const slot = slotToCorrect(turn, state, correction.slot);
  const message = turn.ctx.internal.message;
  if (!slot || !message) return undefined;
  const found = slotValue(message, slot, true, correction.value);
  if (!found || !isValid(turn, slot, found)) {
    turn.emit({ type: 'slot_rejected', state: name, slot: slot.name, value: found?.value ?? correction.value, reason: found ? 'invalid' : 'missing', attempts: 0 });
    turn.reply(slot.retry ?? slot.prompt, slot.buttons, slot.quick_replies);
    return 'waiting';
  }
  setSlot(turn, name, slot, found);
  turn.emit({ type: 'repair', state: name, kind: 'correct', slot: slot.name });
  if (state.type === 'slot_filling') return askOrComplete(turn, name, state);
  // An intent state asks its question again.
  turn.queue.unshift({ at: 'work', state: name });
  return null;
}
