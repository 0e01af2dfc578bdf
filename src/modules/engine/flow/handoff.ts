/**
 * `handoff` states: the bot stops answering while a person has the conversation. Before an agent
 * takes it, the user hears `waiting.say` and, past `waiting.timeout_minutes`, the flow goes on to
 * `waiting.then`. Handing back resumes the flow where it was (the `resume` event), not from start.
 */
import { leave, stopAsEnded, type RunOutcome } from './leave.js';
import { pushReturn, RETURN_TARGET } from './return-stack.js';
import { chooseTransition } from './state-work.js';
import type { Turn } from './turn.js';

export function enterHandoff(turn: Turn, name: string): RunOutcome {
  const { ctx } = turn;
  turn.emit({ type: 'handoff', state: name });
  ctx.status = 'handoff';
  ctx.internal.pendingMessage = null;
  ctx.internal.handoff = { state: name, at: turn.now, resume: turn.takenBy, agent: null };
  return 'handoff';
}

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
    return leave(turn, name, then, null, 'handoff_timeout');
  }
  if (say !== undefined) turn.reply(say);
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
