/**
 * `step(flow, context, event)`: the pure core of the engine (DESIGN §10.1). No I/O, clock or
 * randomness: time comes in as `event.now`, and integration or model calls go out as an effect
 * whose result comes back as the next event of the same turn.
 */
import type { CompiledFlow } from './compile-flow.js';
import { newContext, newInternals, type FlowContext, type TurnMessage } from './context.js';
import { isStaleHandoffTimer, onHandoffMessage, resumeAfterHandoff } from './handoff.js';
import { selectRunningFlow } from './subflow.js';
import { applyEffectResult } from './effects.js';
import { stopOverBudget, type RunOutcome } from './leave.js';
import { runQueue } from './run-queue.js';
import { isWaitingState } from './state-schema.js';
import type { StepEvent, StepOptions, StepResult } from './step-types.js';
import { Turn } from './turn.js';
import { deliverMessage } from './waiting.js';

export const DEFAULT_MAX_STEPS = 50;
type MessageEvent = Extract<StepEvent, { type: 'message' }>;

/**
 * A payload that names one of the flow's intents acts as that intent with confidence 1 (a button
 * `{title: "Track", payload: track_order}` needs no NLU); otherwise the executor's NLU result counts.
 */
function toTurnMessage(flow: CompiledFlow, event: MessageEvent): TurnMessage {
  const payload = event.payload ?? null;
  const content = { ...(event.attachments ? { attachments: event.attachments } : {}), ...(event.location ? { location: event.location } : {}), ...(event.form ? { form: event.form } : {}) };
  const sentiment = event.nlu?.sentiment ? { sentiment: { label: event.nlu.sentiment.label, score: event.nlu.sentiment.score } } : {};
  const base = { text: event.text ?? null, payload, channel: event.channel, entities: event.nlu?.entities ?? [], ...content, ...sentiment };
  if (payload !== null && Object.hasOwn(flow.definition.nlu?.intents ?? {}, payload)) {
    return { ...base, intent: payload, confidence: 1, provider: 'postback', alternatives: [] };
  }
  if (!event.nlu) return { ...base, intent: null, confidence: null, provider: 'none', alternatives: [] };
  const { intent, alternatives, provider } = event.nlu;
  return { ...base, intent: intent.name, confidence: intent.confidence, provider, alternatives };
}

/** A new run keeps who the user is, the turn count and tags; slots, vars and bookkeeping start over. */
function restart(turn: Turn): void {
  turn.summary.started = true;
  Object.assign(turn.ctx, { state: null, status: 'active', slots: {}, vars: {}, internal: newInternals() });
  turn.flow = turn.rootFlow;
}

function onMessage(turn: Turn, event: MessageEvent): RunOutcome {
  const { ctx } = turn;
  if (isStaleHandoffTimer(turn, event.payload)) return ctx.status === 'ended' ? 'ended' : 'waiting';
  if (event.user) Object.assign(ctx.user, event.user);
  ctx.turn += 1;
  if (ctx.status === 'handoff') {
    Object.assign(ctx.internal, { visited: [], message: toTurnMessage(turn.flow, event) });
    return onHandoffMessage(turn) ?? runQueue(turn);
  }
  const flow = turn.flow;
  const state = ctx.state === null ? undefined : flow.definition.states[ctx.state];
  const canTake = ctx.status === 'waiting' && isWaitingState(state);
  if (ctx.internal.pending) {
    turn.error('effect_abandoned', `effect '${ctx.internal.pending.effect.id}' never got a result; the flow starts over`);
  } else if (ctx.status === 'waiting' && !canTake) {
    turn.error('unknown_state', `state '${ctx.state ?? ''}' cannot take a message in this flow version; the flow starts over`);
  }
  const message = toTurnMessage(flow, event);
  if (canTake && !ctx.internal.pending) {
    Object.assign(ctx.internal, { visited: [], message });
    return deliverMessage(turn) ?? runQueue(turn);
  }
  restart(turn);
  ctx.internal.pendingMessage = message;
  turn.queue = [{ at: 'enter', state: turn.rootFlow.definition.start }];
  return runQueue(turn);
}

/** The context's sub-flow must have been loaded; if it was not (it no longer exists), the run starts over. */
function enterRunningFlow(turn: Turn): void {
  if (selectRunningFlow(turn)) return;
  const frame = turn.ctx.internal.frames[turn.ctx.internal.frames.length - 1];
  turn.error('flow_unavailable', `sub-flow '${frame?.name ?? ''}' version ${frame?.version ?? ''} could not be loaded; the flow starts over`);
  turn.ctx.internal.frames = [];
  turn.ctx.status = 'ended';
}

export function step(flow: CompiledFlow, context: FlowContext | null, event: StepEvent, options: StepOptions = {}): StepResult {
  const maxSteps = flow.definition.settings?.max_steps ?? options.maxSteps ?? DEFAULT_MAX_STEPS;
  // A private copy keeps `step` pure: the caller's context is never changed.
  const ctx = context ? structuredClone(context) : newContext(event.type === 'message' ? event.user : undefined);
  const turn = new Turn(flow, ctx, event.now, maxSteps);
  if (options.budget) turn.budget = options.budget;
  if (options.flows) turn.flows = options.flows;
  enterRunningFlow(turn);
  let status =
    event.type === 'message'
      ? onMessage(turn, event)
      : event.type === 'resume'
        ? (resumeAfterHandoff(turn) ?? runQueue(turn))
        : (applyEffectResult(turn, event) ?? runQueue(turn));
  // A waiting state's message handling may run out too, without going through the queue.
  if (turn.budget.exceeded) status = stopOverBudget(turn);
  const result: StepResult = { context: turn.ctx, replies: turn.replies, trace: turn.trace, sideEffects: turn.sideEffects, summary: turn.summary, status };
  const effect = turn.ctx.internal.pending?.effect;
  if (status === 'effect' && effect) result.effect = effect;
  return result;
}
