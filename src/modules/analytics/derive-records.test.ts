import { describe, expect, it } from 'vitest';
import type { TraceEvent, TurnRecord } from '../engine/contract.js';
import { deriveRecord } from './derive-records.js';
import type { AnalyticsRecord, TurnRow } from './records.js';
import { EMITTED_METRIC_FIELDS, encodeRecord, INTEGRATION_CALL_FIELDS, MODEL_CALL_FIELDS, TURN_FIELDS } from './tenant-batches.js';

const AT = '2024-05-01T10:00:00.000Z';
type Body<E = TraceEvent> = E extends unknown ? Omit<E, 'at'> : never;
const t = (event: Body): TraceEvent => ({ ...event, at: AT }) as TraceEvent;

function turn(overrides: Partial<TurnRecord>): TurnRecord {
  return {
    tenantId: '00000000-0000-4000-8000-000000000001',
    conversationId: 'c1',
    turnId: '00000000-0000-4000-8000-00000000000a',
    flowId: 'f1',
    flowVersion: 2,
    channel: 'web',
    turn: 1,
    newRun: false,
    startedAt: AT,
    latencyMs: 12,
    lockWaitMs: 3,
    status: 'waiting',
    state: 'ask',
    replies: 1,
    trace: [],
    sideEffects: [],
    ...overrides,
  };
}

type TurnAnalytics = Extract<AnalyticsRecord, { kind: 'turn' }>;
const derive = (record: TurnRecord): TurnAnalytics => {
  const derived = deriveRecord(record);
  if (derived.kind !== 'turn') throw new Error('a turn derives a turn record');
  return derived;
};
const turnRow = (record: TurnRecord): TurnRow => derive(record).turn;
const intent = (name: string | null) => t({ type: 'intent', name, confidence: 0.2, provider: 'local', alternatives: [] });

describe('deriveRecord', () => {
  it('turns a first turn into one row: started, states entered, intent with its state, replies, latency', () => {
    const row = turnRow(
      turn({
        newRun: true,
        replies: 2,
        state: 'get',
        trace: [
          t({ type: 'state_entered', state: 'welcome' }),
          t({ type: 'reply', state: 'welcome', text: 'Hi' }),
          t({ type: 'state_entered', state: 'ask' }),
          t({ type: 'intent', name: 'track', confidence: 0.9, provider: 'local', alternatives: [] }),
          t({ type: 'transition', from: 'ask', to: 'get', reason: 'transitions[0]' }),
          t({ type: 'state_entered', state: 'get' }),
          t({ type: 'state_entered', state: 'ask' }),
        ],
      }),
    );
    expect(row).toEqual({
      id: '00000000-0000-4000-8000-00000000000a', time: AT,
      flow_id: 'f1', flow_version: 2, channel: 'web', conversation_id: 'c1', turn: 1,
      started: true, ended: false, goal: false, handoff: false, fallback: false,
      state: 'get', status: 'waiting', latency_ms: 12, lock_wait_ms: 3, replies: 2,
      states_entered: ['welcome', 'ask', 'get'],
      intent: 'track', intent_confidence: 0.9, intent_provider: 'local', intent_state: 'ask',
      slots: null, errors: null,
    });
  });

  it('is the same when the turn is derived again: its id is the turn\'s, so a replayed turn is stored once', () => {
    const record = turn({ trace: [t({ type: 'state_entered', state: 'a' })], sideEffects: [{ kind: 'emit', name: 'm', value: 1 }] });
    expect(derive(record)).toEqual(derive(record));
    expect(turnRow(record).id).toBe(record.turnId);
  });

  it('encodes every field of the turn, its calls and metrics, in the order the insert reads them', () => {
    const record = derive(
      turn({
        trace: [
          intent('track'),
          t({ type: 'model_call', state: 'ask', task: 'generate', provider: 'openai', model: 'gpt', ok: true, latencyMs: 80, tokensIn: 10, tokensOut: 5, costUsd: 0.001 }),
          t({ type: 'integration_call', state: 'lookup', integration: 'orders', operation: 'get', ok: false, latencyMs: 40 }),
        ],
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

  it('counts a fallback when the waiting state kept the message (its fallback line) or escalated it', () => {
    const stayed = turnRow(turn({ state: 'ask', trace: [intent('fallback'), t({ type: 'reply', state: 'ask', text: 'Sorry?' })] }));
    expect(stayed).toMatchObject({ fallback: true, intent: 'fallback', intent_state: 'ask' });
    const escalated = turnRow(turn({ state: 'agent', trace: [intent(null), t({ type: 'transition', from: 'ask', to: 'agent', reason: 'fallback' })] }));
    expect(escalated).toMatchObject({ fallback: true, intent: 'fallback', intent_state: 'ask' });
    const understood = turn({ trace: [intent('track'), t({ type: 'transition', from: 'ask', to: 'get', reason: 'transitions[0]' })] });
    expect(turnRow(understood).fallback).toBe(false);
    // A slot answer is not a fallback, whatever the NLU thought of the text.
    const answered = turn({ trace: [intent('fallback'), t({ type: 'slot_set', state: 'get', slot: 'n', value: 3, source: 'entity' })] });
    expect(turnRow(answered).fallback).toBe(false);
    const rejected = turn({ trace: [intent('fallback'), t({ type: 'slot_rejected', state: 'get', slot: 'n', value: null, reason: 'missing', attempts: 1 })] });
    expect(turnRow(rejected).fallback).toBe(false);
    expect(turnRow(turn({ trace: [] }))).toMatchObject({ fallback: false, intent: null, intent_state: null });
  });

  it('reports ends, goals, slots and errors', () => {
    const row = turnRow(
      turn({
        status: 'ended',
        state: 'done',
        trace: [
          t({ type: 'slot_set', state: 'get', slot: 'order_id', value: '123', source: 'entity' }),
          t({ type: 'error', state: 'get', code: 'emit_value', message: 'x' }),
          t({ type: 'step_limit', state: 'loop', limit: 50, states: [] }),
          t({ type: 'ended', state: 'done', goal: true }),
        ],
      }),
    );
    expect(row).toMatchObject({
      ended: true, goal: true, status: 'ended', state: 'done',
      slots: [{ state: 'get', slot: 'order_id' }],
      errors: [{ state: 'get', code: 'emit_value' }, { state: 'loop', code: 'step_limit' }],
    });
  });

  it('counts a handoff when the handoff state is entered, not for each later message to the person', () => {
    const entering = turn({ status: 'handoff', trace: [t({ type: 'state_entered', state: 'agent' }), t({ type: 'handoff', state: 'agent' })] });
    expect(turnRow(entering).handoff).toBe(true);
    const later = turn({ status: 'handoff', replies: 0, trace: [t({ type: 'handoff', state: 'agent' })] });
    expect(turnRow(later)).toMatchObject({ handoff: false, replies: 0, states_entered: [] });
  });

  it('carries the model calls, integration calls and emitted custom metrics of the turn', () => {
    const derived = derive(
      turn({
        trace: [
          t({ type: 'model_call', state: 'ask', task: 'generate', provider: 'openai', model: 'gpt', ok: true, latencyMs: 80, tokensIn: 10, tokensOut: 5, costUsd: 0.001 }),
          t({ type: 'model_call', state: 'ask', task: 'intent', provider: 'local', model: 'nlu', ok: true, latencyMs: 1 }),
          t({ type: 'integration_call', state: 'lookup', integration: 'orders', operation: 'get', ok: false, latencyMs: 40 }),
        ],
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
