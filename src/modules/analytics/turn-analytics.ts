import type { TurnRecord } from '../engine/contract.js';
import type { AnalyticsRecord, EmittedMetric, IntegrationCall, ModelCall, TurnRow } from './records.js';

/**
 * The analytics of one committed turn: its row, and the model calls, integration calls and
 * `emit`ted metrics in it. One inbound message is one turn. The engine's summary says what the turn
 * decided (fallback, goal, handoff…); this only maps its fields to columns. Pure: same record, same
 * result; the rows' ids are the turn's and derived from it, so a replayed turn is stored once.
 * Runs on every turn: object literals and loops, no spreads.
 */
export function turnAnalytics(record: TurnRecord): AnalyticsRecord {
  const { summary } = record;
  const turn: TurnRow = {
    id: record.turnId,
    time: record.startedAt,
    flow_id: record.flowId,
    flow_version: record.flowVersion,
    channel: record.channel,
    conversation_id: record.conversationId,
    turn: record.turn,
    started: summary.started,
    ended: summary.ended,
    goal: summary.goal,
    handoff: summary.handoff,
    fallback: summary.fallback !== null,
    state: record.state,
    status: record.status,
    latency_ms: record.latencyMs,
    lock_wait_ms: record.lockWaitMs,
    replies: record.replies,
    states_entered: summary.statesEntered,
    intent: summary.intent?.name ?? null,
    intent_confidence: summary.intent?.confidence ?? null,
    intent_provider: summary.intent?.provider ?? null,
    intent_state: summary.intent?.state ?? null,
    slots: summary.slotsFilled.length > 0 ? summary.slotsFilled : null,
    errors: summary.errors.length > 0 ? summary.errors : null,
  };
  const modelCalls: ModelCall[] = [];
  for (const c of summary.modelCalls) {
    modelCalls.push({
      time: c.at, task: c.task, provider: c.provider, model: c.model, ok: c.ok, latency_ms: c.latencyMs,
      tokens_in: c.tokensIn ?? 0, tokens_out: c.tokensOut ?? 0, cost_usd: c.costUsd ?? 0,
    });
  }
  const integrationCalls: IntegrationCall[] = [];
  for (const c of summary.integrationCalls) {
    integrationCalls.push({ time: c.at, name: c.integration, operation: c.operation, ok: c.ok, latency_ms: c.latencyMs });
  }
  const metrics: EmittedMetric[] = [];
  for (const effect of record.sideEffects) {
    if (effect.kind === 'emit') metrics.push({ name: effect.name, value: effect.value, tags: effect.tags ?? {} });
  }
  return { kind: 'turn', tenantId: record.tenantId, turn, modelCalls, integrationCalls, metrics };
}
