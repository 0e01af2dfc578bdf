/**
 * `slot_filling` states: take slots from the message that led in, ask for the first missing one,
 * check answers with `validate`, retry up to `max_attempts`, optionally confirm, then move on.
 * Skippable slots may be skipped; a confirmation's "no" changes one slot, not all of them.
 */
import type { TurnMessage } from './context.js';
import { leave, type RunOutcome } from './leave.js';
import { isSkip, slotLabel, slotNamed } from './repair-phrases.js';
import { slotValue, type SlotValue } from './slot-values.js';
import type { FlowSlot, StateOf } from './state-schema.js';
import type { Button } from './step-types.js';
import type { Turn } from './turn.js';
import { waitForMessage } from './waiting.js';

type SlotState = StateOf<'slot_filling'>;

export const DEFAULT_CHANGE_PROMPT = 'What would you like to change?';

const isFilled = (turn: Turn, slot: FlowSlot): boolean => (turn.ctx.slots[slot.name] ?? null) !== null;
const isAsked = (turn: Turn, slot: FlowSlot): boolean =>
  (slot.required !== false || slot.skippable === true) && !turn.ctx.internal.skipped.includes(slot.name);
const firstMissing = (turn: Turn, state: SlotState): FlowSlot | undefined => state.slots.find((slot) => isAsked(turn, slot) && !isFilled(turn, slot));

/** Whether `found` passes the slot's `validate` (each item of a list). */
export function isValid(turn: Turn, slot: FlowSlot, found: SlotValue): boolean {
  if (slot.validate === undefined) return true;
  const items = slot.list && Array.isArray(found.value) ? found.value : [found.value];
  return items.every((value) => turn.test(slot.validate, { value }));
}

export function setSlot(turn: Turn, name: string, slot: FlowSlot, found: SlotValue): void {
  turn.ctx.slots[slot.name] = found.value;
  turn.ctx.internal.skipped = turn.ctx.internal.skipped.filter((skipped) => skipped !== slot.name);
  turn.slotSet(name, slot.name, found.value, found.source);
}

/** Fills missing slots from the turn's message; tells whether the asked slot got a valid value. */
function fillFromMessage(turn: Turn, name: string, state: SlotState, asked: FlowSlot | null, message = turn.ctx.internal.message): 'filled' | 'invalid' | 'missing' {
  let outcome: 'filled' | 'invalid' | 'missing' = 'missing';
  if (!message) return outcome;
  for (const slot of state.slots) {
    if (isFilled(turn, slot)) continue;
    const found = slotValue(message, slot, slot === asked);
    if (!found) continue;
    if (!isValid(turn, slot, found)) {
      if (slot === asked) outcome = 'invalid';
      else turn.emit({ type: 'slot_rejected', state: name, slot: slot.name, value: found.value, reason: 'invalid', attempts: 0 });
      continue;
    }
    setSlot(turn, name, slot, found);
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
export function askOrComplete(turn: Turn, name: string, state: SlotState): RunOutcome | null {
  const missing = firstMissing(turn, state);
  turn.ctx.internal.choosingSlot = false;
  if (missing) {
    turn.ctx.internal.awaitingConfirmation = false;
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
  // A new run's first message has not been delivered yet, but it is the one that led here.
  fillFromMessage(turn, name, state, null, turn.ctx.internal.message ?? turn.ctx.internal.pendingMessage);
  return askOrComplete(turn, name, state);
}

export function onSlotMessage(turn: Turn, name: string, state: SlotState): RunOutcome | null {
  const internal = turn.ctx.internal;
  if (internal.choosingSlot) return onChangeChoice(turn, name, state);
  if (internal.awaitingConfirmation) return onConfirmation(turn, name, state);
  const asked = firstMissing(turn, state) ?? null;
  const message = internal.message;
  if (asked?.skippable && isSkip(turn.flow.definition, message?.text ?? null, asked)) {
    internal.skipped.push(asked.name);
    turn.emit({ type: 'repair', state: name, kind: 'skip', slot: asked.name });
    return askOrComplete(turn, name, state);
  }
  // A new conversation's first message answers no question yet: only what it clearly holds counts.
  if (turn.firstMessage) {
    const before = Object.keys(turn.ctx.slots).length;
    fillFromMessage(turn, name, state, null);
    return Object.keys(turn.ctx.slots).length > before ? askOrComplete(turn, name, state) : 'waiting';
  }
  const outcome = fillFromMessage(turn, name, state, asked);
  if (!asked || outcome === 'filled') return askOrComplete(turn, name, state);
  const attempts = (internal.slotAttempts[asked.name] ?? 0) + 1;
  internal.slotAttempts[asked.name] = attempts;
  const value = message ? slotValue(message, asked, true)?.value ?? null : null;
  turn.emit({ type: 'slot_rejected', state: name, slot: asked.name, value, reason: outcome, attempts });
  if (asked.max_attempts !== undefined && attempts >= asked.max_attempts && state.on_exhausted !== undefined) {
    return leave(turn, name, state.on_exhausted, null, 'on_exhausted');
  }
  turn.reply(asked.retry ?? asked.prompt, asked.buttons, asked.quick_replies);
  return 'waiting';
}

const YES = new Set(['yes', 'y', 'yeah', 'yep', 'yup', 'sure', 'ok', 'okay', 'correct', 'right', "that's right", 'thats right', 'confirm', 'sounds good', 'perfect', 'yes please']);
const NO = new Set(['no', 'n', 'nope', 'nah', 'not quite', 'wrong', 'incorrect', "that's wrong", 'change', 'change something']);

function answerOf(message: TurnMessage, state: SlotState): 'yes' | 'no' | null {
  const confirm = state.confirm;
  const buttons = confirmButtons(state);
  const text = message.text?.trim().toLowerCase().replace(/[.!]+$/, '');
  const is = (intent: string, payload: string, words: Set<string>): boolean => {
    const titles = buttons.filter((b) => b.payload === payload).map((b) => b.title.toLowerCase());
    return message.intent === intent || message.payload === payload || (text !== undefined && (text === payload.toLowerCase() || titles.includes(text) || words.has(text)));
  };
  if (is(confirm?.yes_intent ?? 'affirm', confirm?.yes_payload ?? 'yes', YES)) return 'yes';
  if (is(confirm?.no_intent ?? 'deny', confirm?.no_payload ?? 'no', NO) || (text !== undefined && /^no\b[,.!]?\s/.test(text))) return 'no';
  return null;
}

/** A confirmation answer that holds a new value for a slot ("no, large") changes that slot. */
function changeFromMessage(turn: Turn, name: string, state: SlotState): boolean {
  const message = turn.ctx.internal.message;
  if (!message) return false;
  let changed = false;
  for (const slot of state.slots) {
    if (!slot.entity) continue;
    const found = slotValue(message, slot, false);
    if (!found || JSON.stringify(found.value) === JSON.stringify(turn.ctx.slots[slot.name] ?? null) || !isValid(turn, slot, found)) continue;
    setSlot(turn, name, slot, found);
    turn.emit({ type: 'repair', state: name, kind: 'change', slot: slot.name });
    changed = true;
  }
  return changed;
}

function askWhichSlot(turn: Turn, state: SlotState): RunOutcome {
  turn.ctx.internal.choosingSlot = true;
  const buttons = state.slots.filter((slot) => isFilled(turn, slot)).map((slot) => ({ title: slotLabel(slot), payload: `change:${slot.name}` }));
  turn.reply(state.confirm?.change_prompt ?? DEFAULT_CHANGE_PROMPT, buttons.length > 0 ? buttons.slice(0, 20) : undefined);
  return 'waiting';
}

/** Yes moves on; "no" asks which slot to change (or, with `on_no: clear`, clears them all); a new value changes its slot. */
function onConfirmation(turn: Turn, name: string, state: SlotState): RunOutcome | null {
  const confirm = state.confirm;
  const message = turn.ctx.internal.message;
  if (!confirm || !message) return askOrComplete(turn, name, state);
  // A "change" button of an earlier question still works.
  if (state.slots.some((slot) => message.payload === `change:${slot.name}`)) return onChangeChoice(turn, name, state);
  const answer = answerOf(message, state);
  if (answer === 'yes') {
    turn.ctx.internal.awaitingConfirmation = false;
    turn.queue.unshift({ at: 'transitions', state: name });
    return null;
  }
  const clear = answer === 'no' && confirm.on_no === 'clear';
  if (!clear && changeFromMessage(turn, name, state)) return askOrComplete(turn, name, state);
  if (answer === null) {
    turn.summary.fallback = { state: name, reason: 'unclear_answer', then: null };
    turn.reply(confirm.say, confirmButtons(state));
    return 'waiting';
  }
  if (!clear) return askWhichSlot(turn, state);
  turn.ctx.internal.awaitingConfirmation = false;
  turn.ctx.internal.slotAttempts = {};
  for (const slot of state.slots) delete turn.ctx.slots[slot.name];
  turn.emit({ type: 'action', state: name, kind: 'confirm', detail: { answer: 'no', cleared: state.slots.map((s) => s.name) } });
  fillFromMessage(turn, name, state, null);
  return askOrComplete(turn, name, state);
}

/** While asking which slot to change, an answer naming one is that state's, before any global transition. */
export function namesSlotToChange(turn: Turn, state: SlotState): boolean {
  const message = turn.ctx.internal.message;
  if (!turn.ctx.internal.choosingSlot || !message) return false;
  return state.slots.some((slot) => message.payload === `change:${slot.name}`) || (message.text !== null && slotNamed(state.slots, message.text) !== undefined);
}

/** After "no": the slot the user names (or whose new value they give) is asked again. */
function onChangeChoice(turn: Turn, name: string, state: SlotState): RunOutcome | null {
  const message = turn.ctx.internal.message;
  if (!message) return askWhichSlot(turn, state);
  const chosen =
    state.slots.find((slot) => message.payload === `change:${slot.name}`) ??
    (message.text ? slotNamed(state.slots, message.text) : undefined);
  if (!chosen) {
    if (changeFromMessage(turn, name, state)) return askOrComplete(turn, name, state);
    turn.summary.fallback = { state: name, reason: 'unclear_answer', then: null };
    return askWhichSlot(turn, state);
  }
  delete turn.ctx.slots[chosen.name];
  turn.ctx.internal.slotAttempts = {};
  turn.emit({ type: 'repair', state: name, kind: 'change', slot: chosen.name });
  return askOrComplete(turn, name, state);
}
