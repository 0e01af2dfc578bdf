import type { TraceEvent, TurnRecord } from '../engine/contract.js';
import type { AnalyticsRecord, EmittedMetric, IntegrationCall, ModelCall, TurnRow } from './records.js';

/** The NLU's name for "no intent above the threshold" (models' FALLBACK_INTENT). */
const FALLBACK_INTENT = 'fallback';

type Call = Extract<TraceEvent, { type: 'integration_call' | 'model_call' }>;

/**
 * The turn's row, read off the trace in one pass. A message is a fallback when the state that took
 * it neither left on a transition (other than its `fallback: then`) nor used it for a slot: the
 * state then said its fallback line and stays. That state is also the intent's state.
 * Runs on every turn: one object literal, no closures or spreads (they cost per call).
 */
function turnRow(record: TurnRecord, calls: Call[]): TurnRow {
  let ended = false;
  let goal = false;
  let handoff = false;
  let fallback = false;
  const statesEntered: string[] = [];
  let intent: string | null = null;
  let intentConfidence: number | null = null;
  let intentProvider: string | null = null;
  let intentState: string | null = null;
  let slots: TurnRow['slots'] = null;
  let errors: TurnRow['errors'] = null;
  // Set when an intent is given and its state (and whether the message missed) not yet known.
  let undecided = false;
  for (const t of record.trace) {
    switch (t.type) {
      case 'state_entered':
        // The funnel counts conversations per state: a state re-entered within one turn adds nothing.
        if (!statesEntered.includes(t.state)) statesEntered.push(t.state);
        break;
      case 'intent':
        intent = t.name ?? FALLBACK_INTENT;
        intentConfidence = t.confidence;
        intentProvider = t.provider;
        undecided = true;
        break;
      case 'transition':
        if (undecided) [intentState, fallback, undecided] = [t.from, fallback || t.reason === 'fallback', false];
        break;
      case 'slot_rejected':
        if (undecided) [intentState, undecided] = [t.state, false];
        break;
      case 'slot_set':
        if (undecided) [intentState, undecided] = [t.state, false];
        (slots ??= []).push({ state: t.state, slot: t.slot });
        break;
      case 'ended':
        ended = true;
        goal ||= t.goal;
        break;
      case 'handoff':
        // A message to a conversation already with a person traces `handoff` again without entering a state.
        if (statesEntered.includes(t.state)) handoff = true;
        break;
      case 'error':
        if (undecided) [intentState, undecided] = [t.state, false];
        (errors ??= []).push({ state: t.state, code: t.code });
        break;
      case 'step_limit':
        (errors ??= []).push({ state: t.state, code: 'step_limit' });
        break;
      case 'integration_call':
      case 'model_call':
        calls.push(t);
        break;
      case 'state_exited':
      case 'entities':
      case 'var_set':
      case 'action':
      case 'reply':
      case 'effect_requested':
      case 'effect_result':
      case 'condition_error':
      case 'template_error':
      case 'flow_called':
      case 'flow_returned':
      case 'repair':
      case 'knowledge_search':
        break;
      default: {
        const unhandled: never = t;
        void unhandled;
      }
    }
  }
  // Still undecided at the end: the waiting state kept the message, so it missed; except a new
  // run's first message, which the engine takes as the greeting it answered (no fallback said).
  if (undecided) [intentState, fallback] = [record.state, !record.newRun];
  return {
    id: record.turnId,
    time: record.startedAt,
    flow_id: record.flowId,
    flow_version: record.flowVersion,
    channel: record.channel,
    conversation_id: record.conversationId,
    turn: record.turn,
    started: record.newRun,
    ended,
    goal,
    handoff,
    fallback,
    state: record.state,
    status: record.status,
    latency_ms: record.latencyMs,
    lock_wait_ms: record.lockWaitMs,
    replies: record.replies,
    states_entered: statesEntered,
    intent,
    intent_confidence: intentConfidence,
    intent_provider: intentProvider,
    intent_state: intentState,
    slots,
    errors,
  };
}

/**
 * The analytics of one committed turn: its row, and the model calls, integration calls and
 * `emit`ted metrics in it. One inbound message is one turn. Pure: same record, same result; the
 * rows' ids are the turn's and derived from it, so a replayed turn is stored once.
 */
export function deriveRecord(record: TurnRecord): AnalyticsRecord {
  const calls: Call[] = [];
  const turn = turnRow(record, calls);
  const modelCalls: ModelCall[] = [];
  const integrationCalls: IntegrationCall[] = [];
  for (const t of calls) {
    if (t.type === 'integration_call') {
      integrationCalls.push({ time: t.at, name: t.integration, operation: t.operation, ok: t.ok, latency_ms: t.latencyMs });
    } else {
      modelCalls.push({
        time: t.at, task: t.task, provider: t.provider, model: t.model, ok: t.ok, latency_ms: t.latencyMs,
        tokens_in: t.tokensIn ?? 0, tokens_out: t.tokensOut ?? 0, cost_usd: t.costUsd ?? 0,
      });
    }
  }
  const metrics: EmittedMetric[] = [];
  for (const effect of record.sideEffects) {
    if (effect.kind === 'emit') metrics.push({ name: effect.name, value: effect.value, tags: effect.tags ?? {} });
  }
  return { kind: 'turn', tenantId: record.tenantId, turn, modelCalls, integrationCalls, metrics };
}
