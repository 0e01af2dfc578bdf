/**
 * Runs the turn's work queue until a state waits, the conversation ends or hands off, or an
 * effect is needed. Every unit of work is a plain-JSON phase, so the queue can be parked in the
 * context while the executor performs an effect.
 */
import { actionParts, type FlowAction } from './actions/registry.js';
import type { ActionListRef, Phase } from './context.js';
import { requestEffect } from './effects.js';
import type { FlowDefinition } from './flow-schema.js';
import { endWithError, stopAtStepLimit, stopOverBudget, type RunOutcome } from './leave.js';
import { popReturn, RETURN_TARGET } from './return-stack.js';
import { doStateWork, takeTransition } from './state-work.js';
import type { Turn } from './turn.js';

function actionList(flow: FlowDefinition, ref: ActionListRef): FlowAction[] {
  switch (ref.list) {
    case 'on_entry':
    case 'on_exit':
      return flow.states[ref.state]?.[ref.list] ?? [];
    case 'transition':
      return flow.states[ref.state]?.transitions?.[ref.index]?.actions ?? [];
    case 'global':
      return flow.global?.[ref.index]?.actions ?? [];
    default: {
      const unreachable: never = ref;
      throw new Error(`unknown action list ${JSON.stringify(unreachable)}`);
    }
  }
}

function runActions(turn: Turn, phase: Extract<Phase, { at: 'actions' }>): RunOutcome | null {
  const list = actionList(turn.flow.definition, phase.ref);
  for (let index = phase.index; index < list.length; index += 1) {
    const action = list[index];
    if (!action) continue;
    const { definition, arg } = actionParts(action);
    // `log` traces its rendered message itself.
    if (definition.kind !== 'log') turn.emit({ type: 'action', state: turn.ctx.state, kind: definition.kind, detail: arg });
    const needs = definition.execute(arg, turn.actionRuntime());
    if (needs) {
      turn.queue.unshift({ ...phase, index: index + 1 });
      return requestEffect(turn, needs.effect, { kind: 'call', state: phase.state, saveAs: needs.saveAs });
    }
  }
  return null;
}

function enter(turn: Turn, target: string): RunOutcome | null {
  const { ctx } = turn;
  if (ctx.internal.visited.length >= turn.maxSteps) return stopAtStepLimit(turn);
  const back = target === RETURN_TARGET;
  const name = back ? popReturn(turn) : target;
  if (back) turn.emit({ type: 'repair', state: ctx.state, kind: 'return', to: name });
  if (!turn.flow.definition.states[name]) return endWithError(turn, 'unknown_state', `state '${name}' does not exist in this flow`);
  ctx.internal.visited.push(name);
  ctx.state = name;
  ctx.status = 'active';
  ctx.internal.fallbackCount = 0;
  ctx.internal.slotAttempts = {};
  ctx.internal.awaitingConfirmation = false;
  turn.emit({ type: 'state_entered', state: name });
  if (!turn.summary.statesEntered.includes(name)) turn.summary.statesEntered.push(name);
  // Going back to an interrupted state asks again without re-running its entry actions.
  if (back) turn.queue.unshift({ at: 'work', state: name });
  else turn.queue.unshift({ at: 'actions', ref: { list: 'on_entry', state: name }, index: 0, state: name }, { at: 'work', state: name });
  return null;
}

export function runQueue(turn: Turn): RunOutcome {
  for (;;) {
    const phase = turn.queue.shift();
    if (!phase) return turn.ctx.status === 'waiting' ? 'waiting' : endWithError(turn, 'no_work', 'the run stopped without a waiting state');
    let outcome: RunOutcome | null;
    switch (phase.at) {
      case 'enter':
        outcome = enter(turn, phase.state);
        break;
      case 'actions':
        outcome = runActions(turn, phase);
        break;
      case 'work':
        outcome = doStateWork(turn, phase.state);
        break;
      case 'transitions':
        outcome = takeTransition(turn, phase.state);
        break;
      case 'exited':
        turn.emit({ type: 'state_exited', state: phase.state });
        turn.summary.statesExited.push(phase.state);
        outcome = null;
        break;
      default: {
        const unreachable: never = phase;
        throw new Error(`unknown phase ${JSON.stringify(unreachable)}`);
      }
    }
    if (turn.budget.exceeded) return stopOverBudget(turn);
    if (outcome) return outcome;
  }
}
