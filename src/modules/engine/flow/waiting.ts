/**
 * Waiting states (kinds with `waitsForInput`) and the message they take. Repair (cancel, corrections)
 * is tried first, then global transitions, then the state's own handling.
 */
import { FALLBACK_INTENT } from '../../models/contract.js';
import { onAgentMessage } from './knowledge-states.js';
import { endWithError, leave, type RunOutcome } from './leave.js';
import { tryRepair } from './repair.js';
import { pushReturn } from './return-stack.js';
import { namesSlotToChange, onSlotMessage } from './slot-filling.js';
import { isWaitingState } from './state-schema.js';
import { chooseTransition } from './state-work.js';
import type { Turn } from './turn.js';

export const DEFAULT_FALLBACK = "Sorry, I didn't get that.";

/** Stops the run to wait, unless a new run's first message is still to be taken. */
export function waitForMessage(turn: Turn): RunOutcome | null {
  const internal = turn.ctx.internal;
  turn.ctx.status = 'waiting';
  if (!internal.pendingMessage) return 'waiting';
  internal.message = internal.pendingMessage;
  internal.pendingMessage = null;
  turn.firstMessage = true;
  return deliverMessage(turn);
}

/** The waiting state `ctx.state` takes `internal.message`. */
export function deliverMessage(turn: Turn): RunOutcome | null {
  const { ctx, flow } = turn;
  const name = ctx.state ?? '';
  const state = flow.definition.states[name];
  const message = ctx.internal.message;
  if (message) {
    const { intent: name, confidence, provider, alternatives, text } = message;
    turn.emit({ type: 'intent', name, confidence, provider, alternatives, ...(text ? { text } : {}) });
    turn.summary.intent = { name: name ?? FALLBACK_INTENT, confidence, provider, state: ctx.state };
    if (message.entities.length > 0) {
      turn.emit({ type: 'entities', entities: message.entities.map(({ entity, value, text }) => ({ entity, value, text })) });
    }
  }
  if (!isWaitingState(state)) {
    return endWithError(turn, 'not_waiting', `state '${name}' does not wait for messages`);
  }
  turn.takenBy = name;
  if (state.type === 'slot_filling' && namesSlotToChange(turn, state)) return onSlotMessage(turn, name, state);
  if (state.type === 'agent') return onAgentMessage(turn, name, state);
  const repaired = tryRepair(turn, name, state);
  if (repaired !== undefined) return repaired;
  for (const [index, transition] of (flow.definition.global ?? []).entries()) {
    if (!turn.test(transition.when)) continue;
    // A digression: `@return` comes back here.
    pushReturn(turn, name);
    return leave(turn, name, transition.to, { list: 'global', index }, `global[${index}]`);
  }
  if (state.type === 'slot_filling') return onSlotMessage(turn, name, state);
  if (chooseTransition(turn, name)) {
    ctx.internal.fallbackCount = 0;
    return null;
  }
  // A new conversation's first message (a greeting) that matches nothing is no miss: the greeting already answered it.
  if (turn.firstMessage) return 'waiting';
  // A miss: up to `max` consecutive misses say the fallback and stay; the next one goes to `then`.
  const count = (ctx.internal.fallbackCount += 1);
  const fallback = state.fallback;
  const then = fallback?.then !== undefined && count > (fallback.max ?? 1) ? fallback.then : null;
  turn.summary.fallback = { state: name, reason: 'no_match', then };
  if (then !== null) {
    ctx.internal.fallbackCount = 0;
    return leave(turn, name, then, null, 'fallback');
  }
  turn.reply(fallback?.say ?? DEFAULT_FALLBACK, state.buttons, state.quick_replies);
  return 'waiting';
}
