/** Leaving a state and stopping a run: shared by transitions, fallbacks, errors and the step limit. */
import type { ActionListRef } from './context.js';
import { SAFE_REPLY, type Turn } from './turn.js';

export type RunOutcome = 'waiting' | 'ended' | 'handoff' | 'effect';

/** Queues, in DESIGN §4's order: the transition's actions, the exit actions, then the next state's entry. */
export function leave(turn: Turn, from: string, to: string, actions: ActionListRef | null, reason: string): null {
  turn.emit({ type: 'transition', from, to, reason });
  turn.queue.unshift(
    ...(actions ? [{ at: 'actions' as const, ref: actions, index: 0, state: from }] : []),
    { at: 'actions', ref: { list: 'on_exit', state: from }, index: 0, state: from },
    { at: 'exited', state: from },
    { at: 'enter', state: to },
  );
  return null;
}

/** Ends the run after a flow problem with a safe reply; the next message starts the flow over. */
export function endWithError(turn: Turn, code: string, message: string): RunOutcome {
  // Out of budget, conditions read as false and templates as empty: that is the cause to report.
  if (turn.budget.exceeded) {
    if (turn.budgetReported) return stopAsEnded(turn);
    turn.budgetReported = true;
    turn.error('budget_exceeded', overBudgetMessage(turn));
  } else {
    turn.error(code, message);
  }
  turn.sendText(SAFE_REPLY);
  return stopAsEnded(turn);
}

export function stopAsEnded(turn: Turn): RunOutcome {
  turn.queue = [];
  turn.ctx.status = 'ended';
  turn.ctx.internal.pending = null;
  turn.ctx.internal.pendingMessage = null;
  // The next message starts the conversation's own flow again, whichever flow was running.
  turn.ctx.internal.frames = [];
  turn.flow = turn.rootFlow;
  return 'ended';
}

/** The states of the cycle that hit the step limit: from the last state's previous visit on. */
export function cycleOf(visited: readonly string[]): string[] {
  const last = visited[visited.length - 1];
  if (last === undefined) return [];
  const previous = visited.lastIndexOf(last, visited.length - 2);
  return previous >= 0 ? visited.slice(previous) : visited.slice(-10);
}

const overBudgetMessage = (turn: Turn): string =>
  `stopped in state '${turn.ctx.state ?? ''}': ${turn.budget.exceeded ?? 'the evaluation budget ran out'} in one turn; simplify the conditions or templates (loops, comprehensions) there`;

/**
 * A turn whose conditions or templates used up the evaluation budget ends like a step-limit stop:
 * an `error` in the trace and the safe reply, so one tenant's flow cannot hold the server.
 */
export function stopOverBudget(turn: Turn): RunOutcome {
  return endWithError(turn, 'budget_exceeded', overBudgetMessage(turn));
}

export function stopAtStepLimit(turn: Turn): RunOutcome {
  const states = cycleOf(turn.ctx.internal.visited);
  turn.emit({ type: 'step_limit', state: turn.ctx.state, limit: turn.maxSteps, states });
  turn.error('step_limit', `stopped after ${turn.maxSteps} states in one turn: ${states.join(' → ')} loops without waiting for the user`);
  // The cycle's own replies would be a wall of repeats; the user gets only the safe reply.
  turn.replies.length = 0;
  turn.sendText(SAFE_REPLY);
  return stopAsEnded(turn);
}
