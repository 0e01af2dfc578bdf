import { describe, expect, it } from 'vitest';
import type { TraceEvent, TurnRecord, TurnSummary } from '../engine/contract.js';
import { turnAnalytics } from './turn-analytics.js';
import type { AnalyticsRecord, TurnRow } from './records.js';
import { EMITTED_METRIC_FIELDS, encodeRecord, INTEGRATION_CALL_FIELDS, MODEL_CALL_FIELDS, TURN_FIELDS } from './tenant-batches.js';

const AT = '2024-05-01T10:00:00.000Z';

const summaryOf = (overrides: Partial<TurnSummary>): TurnSummary => ({
  started: false, intent: null, fallback: null, ended: false, goal: false, handoff: false,
  statesEntered: [], statesExited: [], slotsFilled: [], errors: [], modelCalls: [], integrationCalls: [],
  ...overrides,
});

function turn(overrides: Partial<Omit<TurnRecord, 'summary'>> & { summary?: Partial<TurnSummary> }): TurnRecord {
  const { summary, ...rest } = overrides;
  return {
    tenantId: '00000000-0000-4000-8000-000000000001',
    conversationId: 'c1',
    turnId: '00000000-0000-4000-8000-00000000000a',
    flowId: 'f1',
    flowVersion: 2,
    channel: 'web',
    turn: 1,
    startedAt: AT,
    latencyMs: 12,
    lockWaitMs: 3,
    status: 'waiting',
    state: 'ask',
    replies: 1,
    sideEffects: [],
    ...rest,
    summary: summaryOf(summary ?? {}),
  };
}

type TurnAnalytics = Extract<AnalyticsRecord, { kind: 'turn' }>;
const derive = (record: TurnRecord): TurnAnalytics => {
  const derived = turnAnalytics(record);
  if (derived.kind !== 'turn') throw new Error('a turn maps to a turn record');
  return derived;
};
const turnRow = (record: TurnRecord): TurnRow => derive(record).turn;

const modelCall = (call: Partial<Extract<TraceEvent, { type: 'model_call' }>>): Extract<TraceEvent, { type: 'model_call' }> =>
  ({ type: 'model_call', state: 'ask', task: 'intent', provider: 'local', model: 'nlu', ok: true, latencyMs: 1, at: AT, ...call });
const integrationCall: Extract<TraceEvent, { type: 'integration_call' }> =
  { type: 'integration_call', state: 'lookup', integration: 'orders', operation: 'get', ok: false, latencyMs: 40, at: AT };

describe('turnAnalytics', () => {
  it('maps the engine\'s summary of a turn to one row: started, states entered, intent with its state, fallback, replies, latency', () => {
    const row = turnRow(
      turn({
        replies: 2,
        state: 'get',
        summary: {
          started: true,
          statesEntered: ['welcome', 'ask', 'get'],
          intent: { name: 'track', confidence: 0.9, provider: 'local', state: 'ask' },
          fallback: { state: 'ask', reason: 'no_match', then: 'get' },
        },
      }),
    );
    expect(row).toEqual({
      id: '00000000-0000-4000-8000-00000000000a', time: AT,
      flow_id: 'f1', flow_version: 2, channel: 'web', conversation_id: 'c1', turn: 1,
      started: true, ended: false, goal: false, handoff: false, fallback: true,
      state: 'get', status: 'waiting', latency_ms: 12, lock_wait_ms: 3, replies: 2,
      states_entered: ['welcome', 'ask', 'get'],
      intent: 'track', intent_confidence: 0.9, intent_provider: 'local', intent_state: 'ask',
      slots: null, errors: null,
    });
  });

  it('is the same when the turn is mapped again: its id is the turn\'s, so a replayed turn is stored once', () => {
    const record = turn({ summary: { statesEntered: ['a'] }, sideEffects: [{ kind: 'emit', name: 'm', value: 1 }] });
    expect(derive(record)).toEqual(derive(record));
    expect(turnRow(record).id).toBe(record.turnId);
  });

  it('encodes every field of the turn, its calls and metrics, in the order the insert reads them', () => {
    const record = derive(
      turn({
        summary: { intent: { name: 'track', confidence: 0.2, provider: 'local', state: 'ask' }, modelCalls: [modelCall({ task: 'generate', tokensIn: 10, tokensOut: 5, costUsd: 0.001 })], integrationCalls: [integrationCall] },
        sideEffects: [{ kind: 'emit', name: 'm', value: 2, tags: { a: 'b' } }],
      }),
    );
    expect([...TURN_FIELDS].sort()).toEqual(Object.keys(record.turn).sort());
    const pick = <T>(item: T, fields: readonly (keyof T)[]) => fields.map((field) => item[field]);
    expect(JSON.parse(encodeRecord(record).json)).toEqual([
      ...pick(record.turn, TURN_FIELDS),
      record.modelCalls.map((c) => pick(c, MODEL_CALL_FIELDS)),
      record.integrationCalls.map((c) => pick(c, INTEGRATION_CALL_FIELDS)),
      record.metrics.map((m) => pick(m, EMITTED_METRIC_FIELDS)),
    ]);
    expect([...MODEL_CALL_FIELDS].sort()).toEqual(Object.keys(record.modelCalls[0]!).sort());
    expect([...INTEGRATION_CALL_FIELDS].sort()).toEqual(Object.keys(record.integrationCalls[0]!).sort());
    expect([...EMITTED_METRIC_FIELDS].sort()).toEqual(Object.keys(record.metrics[0]!).sort());
  });

  it('reports ends, goals, handoffs, slots and errors as the summary says them', () => {
    const row = turnRow(
      turn({
        status: 'ended',
        state: 'done',
        summary: { ended: true, goal: true, handoff: true, slotsFilled: [{ state: 'get', slot: 'order_id' }], errors: [{ state: 'get', code: 'emit_value' }] },
      }),
    );
    expect(row).toMatchObject({
      ended: true, goal: true, handoff: true, fallback: false, status: 'ended', state: 'done',
      slots: [{ state: 'get', slot: 'order_id' }],
      errors: [{ state: 'get', code: 'emit_value' }],
    });
    expect(turnRow(turn({}))).toMatchObject({ fallback: false, intent: null, intent_state: null, slots: null, errors: null, states_entered: [] });
  });

  it('carries the model calls, integration calls and emitted custom metrics of the turn', () => {
    const derived = derive(
      turn({
        summary: { modelCalls: [modelCall({ task: 'generate', provider: 'openai', model: 'gpt', latencyMs: 80, tokensIn: 10, tokensOut: 5, costUsd: 0.001 }), modelCall({})], integrationCalls: [integrationCall] },
        sideEffects: [{ kind: 'emit', name: 'order_looked_up', value: 2, tags: { kind: 'x' } }, { kind: 'log', level: 'info', message: 'hi' }],
      }),
    );
    expect(derived.modelCalls).toEqual([
      { time: AT, task: 'generate', provider: 'openai', model: 'gpt', tokens_in: 10, tokens_out: 5, cost_usd: 0.001, latency_ms: 80, ok: true },
      { time: AT, task: 'intent', provider: 'local', model: 'nlu', tokens_in: 0, tokens_out: 0, cost_usd: 0, latency_ms: 1, ok: true },
    ]);
    expect(derived.integrationCalls).toEqual([{ time: AT, name: 'orders', operation: 'get', ok: false, latency_ms: 40 }]);
    expect(derived.metrics).toEqual([{ name: 'order_looked_up', value: 2, tags: { kind: 'x' } }]);
  });
});
