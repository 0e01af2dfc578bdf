/**
 * `handoff` states: the bot stops answering while a person has the conversation. Before an agent
 * takes it, the user hears `waiting.say` and, past `waiting.timeout_minutes`, the flow goes on to
 * `waiting.then`. Handing back resumes the flow where it was (the `resume` event), not from start.
 */
import { leave, stopAsEnded, type RunOutcome } from './leave.js';
import { pushReturn, RETURN_TARGET } from './return-stack.js';
import { chooseTransition } from './state-work.js';
import type { Turn } from './turn.js';

/**
 * The durable timer behind `waiting.timeout_minutes`: a scheduled event (chat stores it with the
 * turn) whose turn takes the timeout path if nobody took the conversation by then. The `@` keeps
 * both names apart from a flow's own schedule keys and events; chat cancels the key when an agent
 * takes the conversation or hands it back.
 */
export const HANDOFF_TIMER = { key: '@handoff', event: '@handoff_timeout' } as const;

export function enterHandoff(turn: Turn, name: string): RunOutcome {
  const { ctx } = turn;
  turn.emit({ type: 'handoff', state: name });
  turn.summary.handoff = true;
  ctx.status = 'handoff';
  ctx.internal.pendingMessage = null;
  ctx.internal.handoff = { state: name, at: turn.now, resume: turn.takenBy, agent: null };
  const state = turn.flow.definition.states[name];
  const waiting = state?.type === 'handoff' ? state.waiting : undefined;
  if (waiting?.timeout_minutes !== undefined && waiting.then !== undefined) {
    turn.sideEffects.push({ kind: 'schedule', key: HANDOFF_TIMER.key, inMs: Math.ceil(waiting.timeout_minutes * 60_000), event: HANDOFF_TIMER.event });
  }
  return 'handoff';
}

/** The timer's turn once the conversation is no longer waiting for a person (handed back, ended): nothing happens. */
export const isStaleHandoffTimer = (turn: Turn, payload: string | undefined): boolean => payload === HANDOFF_TIMER.event && turn.ctx.status !== 'handoff';

/** A user message while handed off: silence while an agent has it, else the waiting message or the timeout path. */
export function onHandoffMessage(turn: Turn): RunOutcome | null {
  const { ctx } = turn;
  const name = ctx.state ?? '';
  const state = turn.flow.definition.states[name];
  const mark = ctx.internal.handoff;
  turn.emit({ type: 'handoff', state: name });
  if (!mark || mark.agent !== null || state?.type !== 'handoff' || !state.waiting) return 'handoff';
  const { timeout_minutes: minutes, then, say } = state.waiting;
  if (minutes !== undefined && then !== undefined && Date.parse(turn.now) - Date.parse(mark.at) >= minutes * 60_000) {
    ctx.status = 'active';
    ctx.internal.handoff = null;
    // A user's message may get here before the timer fires: it must not fire a second time.
    turn.sideEffects.push({ kind: 'unschedule', key: HANDOFF_TIMER.key });
    return leave(turn, name, then, null, 'handoff_timeout');
  }
  // The timer is no message from the user: it never says the waiting message.
  if (say !== undefined && ctx.internal.message?.payload !== HANDOFF_TIMER.event) turn.reply(say);
  return 'handoff';
}

/**
 * Hand-back: the handoff state's own transitions or `next` if it has them; else the waiting state
 * the user was in when the handoff began, asked again; else (nothing to resume) the next message
 * starts the flow over.
 */
export function resumeAfterHandoff(turn: Turn): RunOutcome | null {
  const { ctx } = turn;
  if (ctx.status !== 'handoff') return ctx.status === 'active' ? 'waiting' : ctx.status;
  const name = ctx.state ?? '';
  const mark = ctx.internal.handoff;
  ctx.status = 'active';
  ctx.internal.handoff = null;
  ctx.internal.visited = [];
  if (chooseTransition(turn, name)) return null;
  if (!mark?.resume || !turn.flow.definition.states[mark.resume]) return stopAsEnded(turn);
  pushReturn(turn, mark.resume);
  return leave(turn, name, RETURN_TARGET, null, 'hand_back');
}
