/**
 * `slot_filling` states: take slots from the message that led in, ask for the first missing one,
 * check answers with `validate`, retry up to `max_attempts`, optionally confirm, then move on.
 */
import type { TurnMessage } from './context.js';
import { leave, type RunOutcome } from './leave.js';
import type { FlowSlot, StateOf } from './state-schema.js';
import type { Button } from './step-types.js';
import type { Turn } from './turn.js';
import { waitForMessage } from './waiting.js';

type SlotState = StateOf<'slot_filling'>;

const isFilled = (turn: Turn, slot: FlowSlot): boolean => (turn.ctx.slots[slot.name] ?? null) !== null;
const firstMissing = (turn: Turn, state: SlotState): FlowSlot | undefined =>
  state.slots.find((slot) => slot.required !== false && !isFilled(turn, slot));

/** A slot's candidate value in the message: its button's payload, its entity, or (if it has no entity) the text. */
function candidate(message: TurnMessage, slot: FlowSlot, asked: boolean): { value: unknown; source: 'entity' | 'payload' | 'text' } | null {
  const buttons = [...(slot.buttons ?? []), ...(slot.quick_replies ?? [])];
  if (asked && message.payload !== null && buttons.some((b) => b.payload === message.payload)) return { value: message.payload, source: 'payload' };
  const entity = slot.entity ? message.entities.find((e) => e.entity === slot.entity) : undefined;
  if (entity) return { value: entity.value, source: 'entity' };
  const text = message.text?.trim();
  if (asked && !slot.entity && text) return { value: text, source: 'text' };
  return null;
}

/** Fills missing slots from the turn's message; tells whether the asked slot got a valid value. */
function fillFromMessage(turn: Turn, name: string, state: SlotState, asked: FlowSlot | null): 'filled' | 'invalid' | 'missing' {
  const message = turn.ctx.internal.message;
  let outcome: 'filled' | 'invalid' | 'missing' = 'missing';
  if (!message) return outcome;
  for (const slot of state.slots) {
    if (isFilled(turn, slot)) continue;
    const found = candidate(message, slot, slot === asked);
    if (!found) continue;
    if (slot.validate !== undefined && !turn.test(slot.validate, { value: found.value })) {
      if (slot === asked) outcome = 'invalid';
      else turn.emit({ type: 'slot_rejected', state: name, slot: slot.name, value: found.value, reason: 'invalid', attempts: 0 });
      continue;
    }
    turn.ctx.slots[slot.name] = found.value;
    turn.emit({ type: 'slot_set', state: name, slot: slot.name, value: found.value, source: found.source });
    if (slot === asked) outcome = 'filled';
  }
  return outcome;
}

function confirmButtons(state: SlotState): Button[] {
  const confirm = state.confirm;
  return confirm?.buttons ?? [
    { title: 'Yes', payload: confirm?.yes_payload ?? 'yes' },
    { title: 'No', payload: confirm?.no_payload ?? 'no' },
  ];
}

/** Asks for the first missing slot or for confirmation, or moves on when all is there. */
function askOrComplete(turn: Turn, name: string, state: SlotState): RunOutcome | null {
  const missing = firstMissing(turn, state);
  if (missing) {
    turn.reply(missing.prompt, missing.buttons, missing.quick_replies);
    return waitForMessage(turn);
  }
  if (state.confirm) {
    turn.ctx.internal.awaitingConfirmation = true;
    turn.reply(state.confirm.say, confirmButtons(state));
    return waitForMessage(turn);
  }
  turn.queue.unshift({ at: 'transitions', state: name });
  return null;
}

export function enterSlotFilling(turn: Turn, name: string, state: SlotState): RunOutcome | null {
  if (state.say !== undefined) turn.reply(state.say);
  fillFromMessage(turn, name, state, null);
  return askOrComplete(turn, name, state);
}

export function onSlotMessage(turn: Turn, name: string, state: SlotState): RunOutcome | null {
  const internal = turn.ctx.internal;
  if (internal.awaitingConfirmation) return onConfirmation(turn, name, state);
  const asked = firstMissing(turn, state) ?? null;
  const outcome = fillFromMessage(turn, name, state, asked);
  if (!asked || outcome === 'filled') return askOrComplete(turn, name, state);
  const attempts = (internal.slotAttempts[asked.name] ?? 0) + 1;
  internal.slotAttempts[asked.name] = attempts;
  const value = internal.message ? candidate(internal.message, asked, true)?.value ?? null : null;
  turn.emit({ type: 'slot_rejected', state: name, slot: asked.name, value, reason: outcome, attempts });
  if (asked.max_attempts !== undefined && attempts >= asked.max_attempts && state.on_exhausted !== undefined) {
    return leave(turn, name, state.on_exhausted, null, 'on_exhausted');
  }
  turn.reply(asked.retry ?? asked.prompt, asked.buttons, asked.quick_replies);
  return 'waiting';
}

function answers(message: TurnMessage, intent: string, payload: string, buttons: Button[]): boolean {
  const text = message.text?.trim().toLowerCase();
  const titles = buttons.filter((b) => b.payload === payload).map((b) => b.title.toLowerCase());
  return message.intent === intent || message.payload === payload || text === payload.toLowerCase() || (text !== undefined && titles.includes(text));
}

/** Yes moves on; no clears this state's slots (keeping any the same message brings) and asks again. */
function onConfirmation(turn: Turn, name: string, state: SlotState): RunOutcome | null {
  const confirm = state.confirm;
  const message = turn.ctx.internal.message;
  if (!confirm || !message) return askOrComplete(turn, name, state);
  const buttons = confirmButtons(state);
  if (answers(message, confirm.yes_intent ?? 'affirm', confirm.yes_payload ?? 'yes', buttons)) {
    turn.ctx.internal.awaitingConfirmation = false;
    turn.queue.unshift({ at: 'transitions', state: name });
    return null;
  }
  if (!answers(message, confirm.no_intent ?? 'deny', confirm.no_payload ?? 'no', buttons)) {
    turn.reply(confirm.say, buttons);
    return 'waiting';
  }
  turn.ctx.internal.awaitingConfirmation = false;
  turn.ctx.internal.slotAttempts = {};
  for (const slot of state.slots) delete turn.ctx.slots[slot.name];
  turn.emit({ type: 'action', state: name, kind: 'confirm', detail: { answer: 'no', cleared: state.slots.map((s) => s.name) } });
  fillFromMessage(turn, name, state, null);
  return askOrComplete(turn, name, state);
}
