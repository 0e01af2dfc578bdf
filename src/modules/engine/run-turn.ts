import type { Clock } from '../../shared/clock.js';
import type { Adaptors } from '../adaptors/contract.js';
import type { Knowledge } from '../knowledge/contract.js';
import type { Models, NluResult } from '../models/contract.js';
import type { InboundTurn, Reply, TurnSummary } from './contract.js';
import { addReplies, boundHistory, type HistoryEntry, startHistory } from './conversation-history.js';
import { readsSentiment } from './reads-sentiment.js';
import { performEffect } from './effects.js';
import { LoadedFlows, type SubflowSource } from './subflows.js';
import { postbackIntent } from './postback-intent.js';
import { addCalls, newTurnSummary } from './turn-summary.js';
import { usageToTrace } from './usage-trace.js';
import {
  addStep,
  type CompiledFlow,
  type ConversationSnapshot,
  EvaluationBudget,
  fromSnapshot,
  type SideEffect,
  type StepOptions,
  type StepResult,
  type TraceEvent,
  step,
  toSnapshot,
} from './flow/index.js';

export interface TurnCoreDeps {
  models: Models;
  adaptors: Adaptors;
  knowledge?: Knowledge | undefined;
  clock: Clock;
  maxSteps: number;
  /** Where `flow` states find the flows they call; without it, a call fails (`on_error`). */
  subflows?: SubflowSource;
}

export interface TurnOutcome {
  /** The final step; `status` is never 'effect'. */
  result: StepResult;
  /** What the conversation keeps for its next turn: the final context without the turn's own state. */
  snapshot: ConversationSnapshot;
  replies: Reply[];
  trace: TraceEvent[];
  /** What the turn decided and the calls it made, for analytics. */
  summary: TurnSummary;
  sideEffects: SideEffect[];
  nlu: NluResult | null;
}

/** A turn's trace and summary as they grow: calls are traced and summarised where they are made. */
interface TurnLog {
  trace: TraceEvent[];
  summary: TurnSummary;
}

function logCalls(log: TurnLog, calls: TraceEvent[]): void {
  log.trace.push(...calls);
  addCalls(log.summary, calls);
}

/**
 * One turn without persistence: understand the message, step the flow, perform every effect it
 * suspends on, until it waits for the user or ends. The execution service wraps this in a lock and
 * a save; conversation tests run it as it is, so tests exercise exactly what production runs.
 */
export async function runTurnCore(
  deps: TurnCoreDeps,
  input: { tenantId: string; flow: CompiledFlow; modelKey: string; snapshot: ConversationSnapshot | null; message: InboundTurn },
): Promise<TurnOutcome> {
  const { clock } = deps;
  const { tenantId, flow, message } = input;
  const log: TurnLog = { trace: [], summary: newTurnSummary() };
  const text = message.text?.trim() ?? '';
  const loaded = new LoadedFlows();
  // Inside a sub-flow, the message is understood with that flow's intents and entities.
  const running = (await loaded.loadFrames(deps.subflows, tenantId, input.snapshot)) ?? { flow, modelKey: input.modelKey };
  let nlu: NluResult | null = null;
  if (text) {
    nlu = await deps.models.parse(tenantId, { modelKey: running.modelKey, nlu: running.flow.nlu, text, now: clock.isoNow() });
    logCalls(log, usageToTrace(nlu.usage, input.snapshot?.state ?? null, clock.isoNow()));
    if (readsSentiment(running.flow)) {
      const sentiment = await deps.models.analyseSentiment(tenantId, text);
      nlu.sentiment = { label: sentiment.label, score: sentiment.score };
      logCalls(log, usageToTrace(sentiment.usage, input.snapshot?.state ?? null, clock.isoNow()));
    }
  } else if (message.payload) {
    nlu = await postbackIntent(deps.models, tenantId, { modelKey: running.modelKey, nlu: running.flow.nlu, payload: message.payload });
  }

  // One budget for the whole turn: resuming after an effect does not earn conditions more time.
  const options = { maxSteps: deps.maxSteps, budget: new EvaluationBudget(), flows: loaded.lookup };
  const result = step(
    flow,
    input.snapshot && fromSnapshot(input.snapshot),
    {
      type: 'message',
      text: message.text,
      payload: message.payload,
      nlu,
      channel: message.channel,
      user: message.user,
      now: clock.isoNow(),
      ...(message.attachments ? { attachments: message.attachments } : {}),
      ...(message.location ? { location: message.location } : {}),
      ...(message.form ? { form: message.form } : {}),
    },
    options,
  );
  return { ...(await settle(deps, { tenantId, flow, loaded, options, history: startHistory(input.snapshot, text || null) }, result, log)), nlu };
}

/** A hand-back: the flow resumes where the handoff left it, performing effects as a message turn does. */
export async function resumeTurnCore(deps: TurnCoreDeps, input: { tenantId: string; flow: CompiledFlow; snapshot: ConversationSnapshot }): Promise<TurnOutcome> {
  const loaded = new LoadedFlows();
  await loaded.loadFrames(deps.subflows, input.tenantId, input.snapshot);
  const options = { maxSteps: deps.maxSteps, budget: new EvaluationBudget(), flows: loaded.lookup };
  const result = step(input.flow, fromSnapshot(input.snapshot), { type: 'resume', now: deps.clock.isoNow() }, options);
  const log: TurnLog = { trace: [], summary: newTurnSummary() };
  return { ...(await settle(deps, { tenantId: input.tenantId, flow: input.flow, loaded, options, history: startHistory(input.snapshot, null) }, result, log)), nlu: null };
}

/** Performs every effect the run suspends on until it waits for the user or ends. */
async function settle(
  deps: TurnCoreDeps,
  run: { tenantId: string; flow: CompiledFlow; loaded: LoadedFlows; options: StepOptions; history: HistoryEntry[] },
  first: StepResult,
  log: TurnLog,
): Promise<Omit<TurnOutcome, 'nlu'>> {
  const { clock } = deps;
  const { tenantId, flow, loaded, options, history } = run;
  const { trace, summary } = log;
  let result = first;
  const replies = [...result.replies];
  const sideEffects = [...result.sideEffects];
  trace.push(...result.trace);
  addStep(summary, result.summary);
  addReplies(history, result.replies);
  while (result.effect) {
    const effect = result.effect;
    const outcome =
      effect.kind === 'flow'
        ? await loaded.find(deps.subflows, tenantId, effect, clock.isoNow())
        : await performEffect(deps, tenantId, effect, { state: result.context.state, now: () => clock.isoNow(), history });
    logCalls(log, outcome.calls);
    result = step(flow, result.context, outcome.event, options);
    replies.push(...result.replies);
    addReplies(history, result.replies);
    sideEffects.push(...result.sideEffects);
    trace.push(...result.trace);
    addStep(summary, result.summary);
  }
  return { result, snapshot: toSnapshot(result.context, boundHistory(history)), replies, trace, summary, sideEffects };
}
