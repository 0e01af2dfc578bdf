/** A state's own work on entry (DESIGN §4): render `say`, request an effect, or wait. */
import { DEFAULT_TIMEOUT_MS } from './actions/call.js';
import { requestEffect } from './effects.js';
import { endWithError, leave, stopAsEnded, type RunOutcome } from './leave.js';
import { enterHandoff } from './handoff.js';
import { DEFAULT_HISTORY, enterAgent, enterAnswer } from './knowledge-states.js';
import { enterSlotFilling } from './slot-filling.js';
import { returnFromFlow, startFlowCall } from './subflow.js';
import { isObject } from './paths.js';
import { richSpecOf } from './reply-content.js';
import type { Turn } from './turn.js';
import { waitForMessage } from './waiting.js';

export function doStateWork(turn: Turn, name: string): RunOutcome | null {
  const state = turn.flow.definition.states[name];
  if (!state) return endWithError(turn, 'unknown_state', `state '${name}' does not exist in this flow`);
  const next = (): null => {
    turn.queue.unshift({ at: 'transitions', state: name });
    return null;
  };
  switch (state.type) {
    case 'response': {
      if (!state.generate) {
        turn.reply(state.say, state.buttons, state.quick_replies, richSpecOf(state));
        return next();
      }
      if (state.say !== undefined) turn.reply(state.say);
      const effect = {
        id: turn.nextEffectId(),
        kind: 'generate' as const,
        instructions: turn.text(state.generate.instructions),
        fallback: turn.text(state.generate.fallback),
        history: state.generate.history ?? DEFAULT_HISTORY,
        scope: turn.scope(),
      };
      return requestEffect(turn, effect, { kind: 'generate', state: name });
    }
    case 'intent':
      turn.reply(state.say, state.buttons, state.quick_replies, richSpecOf(state));
      return waitForMessage(turn);
    case 'slot_filling':
      return enterSlotFilling(turn, name, state);
    case 'integration': {
      const input = turn.value(state.with ?? {});
      const effect = {
        id: turn.nextEffectId(),
        kind: 'integration' as const,
        integration: state.integration,
        operation: state.operation,
        input: isObject(input) ? input : {},
        timeoutMs: state.timeout_ms ?? DEFAULT_TIMEOUT_MS,
      };
      return requestEffect(turn, effect, { kind: 'integration', state: name });
    }
    case 'handoff':
      turn.reply(state.say, state.buttons, state.quick_replies, richSpecOf(state));
      return enterHandoff(turn, name);
    case 'flow':
      return startFlowCall(turn, name, state);
    case 'answer':
      return enterAnswer(turn, name, state);
    case 'agent':
      return enterAgent(turn, name, state);
    case 'end':
      turn.reply(state.say, state.buttons, state.quick_replies, richSpecOf(state));
      // The end of a called flow is a return to its caller, not the conversation's end.
      if (turn.ctx.internal.frames.length > 0) return returnFromFlow(turn);
      turn.emit({ type: 'ended', state: name, goal: state.goal === true });
      Object.assign(turn.summary, { ended: true, goal: state.goal === true });
      return stopAsEnded(turn);
    default: {
      const unreachable: never = state;
      throw new Error(`unknown state ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The first matching transition, else `next`; a state with neither has nowhere to go. */
export function takeTransition(turn: Turn, name: string): RunOutcome | null {
  const state = turn.flow.definition.states[name];
  if (!state) return endWithError(turn, 'unknown_state', `state '${name}' does not exist in this flow`);
  if (chooseTransition(turn, name)) return null;
  return endWithError(turn, 'no_transition', `no transition of state '${name}' matched and it has no next`);
}

/** Tries the state's transitions, then `next`; queues the move and returns true if one applies. */
export function chooseTransition(turn: Turn, name: string): boolean {
  const state = turn.flow.definition.states[name];
  const transitions = state?.transitions ?? [];
  for (const [index, transition] of transitions.entries()) {
    if (!turn.test(transition.when)) continue;
    leave(turn, name, transition.to, { list: 'transition', state: name, index }, `transitions[${index}]`);
    return true;
  }
  if (state?.next === undefined) return false;
  leave(turn, name, state.next, null, 'next');
  return true;
}
