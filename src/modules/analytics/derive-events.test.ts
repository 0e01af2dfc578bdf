import { describe, expect, it } from 'vitest';
import type { TraceEvent, TurnRecord } from '../engine/contract.js';
import { deriveEvents, eventId } from './derive-events.js';

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

const types = (record: TurnRecord) => deriveEvents(record).map((e) => e.type);

describe('deriveEvents', () => {
  it('turns a first turn into started, received, states, intent, sent and completed', () => {
    const events = deriveEvents(
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
        ],
      }),
    );
    expect(events.map((e) => e.type)).toEqual(['conversation_started', 'message_received', 'state_entered', 'state_entered', 'intent_detected', 'state_entered', 'message_sent', 'turn_completed']);
    expect(events[4]).toMatchObject({ state: 'ask', intent: 'track', confidence: 0.9, provider: 'local', flowId: 'f1', flowVersion: 2, channel: 'web', conversationId: 'c1', turn: 1 });
    expect(events[6]).toMatchObject({ type: 'message_sent', count: 2 });
    expect(events[7]).toMatchObject({ type: 'turn_completed', latencyMs: 12, lockWaitMs: 3, status: 'waiting', state: 'get', replies: 2 });
  });

  it('gives every event a unique id that is the same when the turn is derived again', () => {
    const record = turn({ trace: [t({ type: 'state_entered', state: 'a' }), t({ type: 'state_entered', state: 'b' })] });
    const ids = deriveEvents(record).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(deriveEvents(record).map((e) => e.id)).toEqual(ids);
    expect(ids[0]).toBe(eventId(record.turnId, 0));
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('counts a fallback when the waiting state kept the message (its fallback line) or escalated it', () => {
    const intent = (name: string | null) => t({ type: 'intent', name, confidence: 0.2, provider: 'local', alternatives: [] });
    const stayed = deriveEvents(turn({ state: 'ask', trace: [intent('fallback'), t({ type: 'reply', state: 'ask', text: 'Sorry?' })] }));
    expect(stayed.filter((e) => e.type === 'fallback')).toEqual([expect.objectContaining({ state: 'ask' })]);
    expect(stayed.find((e) => e.type === 'intent_detected')).toMatchObject({ state: 'ask', intent: 'fallback' });
    const escalated = turn({ state: 'agent', trace: [intent(null), t({ type: 'transition', from: 'ask', to: 'agent', reason: 'fallback' })] });
    expect(types(escalated).filter((x) => x === 'fallback')).toHaveLength(1);
    expect(deriveEvents(escalated).find((e) => e.type === 'intent_detected')).toMatchObject({ state: 'ask', intent: 'fallback' });
    const understood = turn({ trace: [intent('track'), t({ type: 'transition', from: 'ask', to: 'get', reason: 'transitions[0]' })] });
    expect(types(understood)).not.toContain('fallback');
    // A slot answer is not a fallback, whatever the NLU thought of the text.
    const answered = turn({ trace: [intent('fallback'), t({ type: 'slot_set', state: 'get', slot: 'n', value: 3, source: 'entity' })] });
    expect(types(answered)).not.toContain('fallback');
    const rejected = turn({ trace: [intent('fallback'), t({ type: 'slot_rejected', state: 'get', slot: 'n', value: null, reason: 'missing', attempts: 1 })] });
    expect(types(rejected)).not.toContain('fallback');
  });

  it('reports ends, goals, handoffs, slots and errors', () => {
    const events = deriveEvents(
      turn({
        status: 'ended',
        trace: [
          t({ type: 'slot_set', state: 'get', slot: 'order_id', value: '123', source: 'entity' }),
          t({ type: 'error', state: 'get', code: 'emit_value', message: 'x' }),
          t({ type: 'step_limit', state: 'loop', limit: 50, states: [] }),
          t({ type: 'ended', state: 'done', goal: true }),
        ],
      }),
    );
    expect(events.map((e) => e.type)).toEqual(['message_received', 'slot_filled', 'error', 'error', 'conversation_ended', 'goal_reached', 'message_sent', 'turn_completed']);
    expect(events[3]).toMatchObject({ code: 'step_limit' });
    expect(events[4]).toMatchObject({ state: 'done', goal: true });
  });

  it('counts a handoff when the handoff state is entered, not for each later message to the person', () => {
    const entering = turn({ status: 'handoff', trace: [t({ type: 'state_entered', state: 'agent' }), t({ type: 'handoff', state: 'agent' })] });
    expect(types(entering)).toContain('handoff');
    const later = turn({ status: 'handoff', replies: 0, trace: [t({ type: 'handoff', state: 'agent' })] });
    expect(types(later)).toEqual(['message_received', 'turn_completed']);
  });

  it('carries model and integration calls and emitted custom metrics', () => {
    const events = deriveEvents(
      turn({
        trace: [
          t({ type: 'model_call', state: 'ask', task: 'generate', provider: 'openai', model: 'gpt', ok: true, latencyMs: 80, tokensIn: 10, tokensOut: 5, costUsd: 0.001 }),
          t({ type: 'model_call', state: 'ask', task: 'intent', provider: 'local', model: 'nlu', ok: true, latencyMs: 1 }),
          t({ type: 'integration_call', state: 'lookup', integration: 'orders', operation: 'get', ok: false, latencyMs: 40 }),
        ],
        sideEffects: [{ kind: 'emit', name: 'order_looked_up', value: 2, tags: { kind: 'x' } }, { kind: 'log', level: 'info', message: 'hi' }],
      }),
    );
    expect(events.filter((e) => e.type === 'model_called')).toEqual([
      expect.objectContaining({ provider: 'openai', model: 'gpt', tokensIn: 10, tokensOut: 5, costUsd: 0.001, latencyMs: 80, ok: true }),
      expect.objectContaining({ provider: 'local', tokensIn: 0, tokensOut: 0, costUsd: 0 }),
    ]);
    expect(events.find((e) => e.type === 'integration_called')).toMatchObject({ integration: 'orders', operation: 'get', ok: false, latencyMs: 40 });
    expect(events.find((e) => e.type === 'custom_metric')).toMatchObject({ name: 'order_looked_up', value: 2, tags: { kind: 'x' } });
  });
});
