import { createHash } from 'node:crypto';
import type { TraceEvent, TurnRecord } from '../engine/contract.js';
import type { AnalyticsRecord, TurnRow } from './records.js';

/** The NLU's name for "no intent above the threshold" (models' FALLBACK_INTENT). */
const FALLBACK_INTENT = 'fallback';

/**
 * A UUID fixed by the turn and the call's position in it: deriving a turn twice yields the same
 * ids, so a replayed turn or a redelivered stream entry is stored once.
 */
export function callId(turnId: string, index: number): string {
  const hex = createHash('sha1').update(`${turnId}/${index}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type Conversational = Pick<TurnRow, 'ended' | 'goal' | 'handoff' | 'fallback' | 'states_entered' | 'intent' | 'intent_confidence' | 'intent_provider' | 'intent_state' | 'slots' | 'errors'>;
type Call = Extract<TraceEvent, { type: 'integration_call' | 'model_call' }>;

/**
 * The turn's conversation events, read off the trace in one pass. A message is a fallback when the
 * state that took it neither left on a transition (other than its `fallback: then`) nor used it for
 * a slot: the state then said its fallback line and stays. That state is also the intent's state.
 */
function fromTrace(trace: readonly TraceEvent[], finalState: string | null): { facts: Conversational; calls: Call[] } {
  const facts: Conversational = {
    ended: false, goal: false, handoff: false, fallback: false, states_entered: [],
    intent: null, intent_confidence: null, intent_provider: null, intent_state: null, slots: null, errors: null,
  };
  const calls: Call[] = [];
  let undecided = false;
  const decide = (state: string | null, missed: boolean) => {
    if (!undecided) return;
    facts.intent_state = state;
    if (missed) facts.fallback = true;
    undecided = false;
  };
  for (const t of trace) {
    switch (t.type) {
      case 'state_entered':
        // The funnel counts conversations per state: a state re-entered within one turn adds nothing.
        if (!facts.states_entered.includes(t.state)) facts.states_entered.push(t.state);
        break;
      case 'intent':
        facts.intent = t.name ?? FALLBACK_INTENT;
        facts.intent_confidence = t.confidence;
        facts.intent_provider = t.provider;
        undecided = true;
        break;
      case 'transition':
        decide(t.from, t.reason === 'fallback');
        break;
      case 'slot_rejected':
        decide(t.state, false);
        break;
      case 'slot_set':
        decide(t.state, false);
        (facts.slots ??= []).push({ state: t.state, slot: t.slot });
        break;
      case 'ended':
        facts.ended = true;
        facts.goal ||= t.goal;
        break;
      case 'handoff':
        // A message to a conversation already with a person traces `handoff` again without entering a state.
        if (facts.states_entered.includes(t.state)) facts.handoff = true;
        break;
      case 'error':
        decide(t.state, false);
        (facts.errors ??= []).push({ state: t.state, code: t.code });
        break;
      case 'step_limit':
        (facts.errors ??= []).push({ state: t.state, code: 'step_limit' });
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
        break;
      default: {
        const unhandled: never = t;
        void unhandled;
      }
    }
  }
  decide(finalState, true);
  return { facts, calls };
}

/**
 * Every analytics row of one committed turn: the turn itself, then one per integration call, model
 * call and `emit`ted metric. One inbound message is one turn. Pure: same record, same rows, same ids.
 */
export function deriveRecords(record: TurnRecord): AnalyticsRecord[] {
  const { facts, calls } = fromTrace(record.trace, record.state);
  const scope = {
    tenant_id: record.tenantId,
    flow_id: record.flowId,
    flow_version: record.flowVersion,
    channel: record.channel,
    conversation_id: record.conversationId,
  };
  const records: AnalyticsRecord[] = [
    {
      table: 'conversation_analytics',
      row: {
        id: record.turnId,
        time: record.startedAt,
        ...scope,
        turn: record.turn,
        started: record.newRun,
        ...facts,
        state: record.state,
        status: record.status,
        latency_ms: record.latencyMs,
        lock_wait_ms: record.lockWaitMs,
        replies: record.replies,
      },
    },
  ];
  const inTurn = () => ({ id: callId(record.turnId, records.length), ...scope, turn_id: record.turnId, turn: record.turn });
  for (const t of calls) {
    if (t.type === 'integration_call') {
      records.push({
        table: 'system_metrics',
        row: { ...inTurn(), time: t.at, metric: 'integration_call', name: t.integration, operation: t.operation, ok: t.ok, latency_ms: t.latencyMs },
      });
    } else {
      records.push({
        table: 'model_usage_analytics',
        row: {
          ...inTurn(), time: t.at, task: t.task, provider: t.provider, model: t.model, ok: t.ok, latency_ms: t.latencyMs,
          tokens_in: t.tokensIn ?? 0, tokens_out: t.tokensOut ?? 0, cost_usd: t.costUsd ?? 0,
        },
      });
    }
  }
  for (const effect of record.sideEffects) {
    if (effect.kind === 'emit') {
      records.push({ table: 'custom_metrics', row: { ...inTurn(), time: record.startedAt, name: effect.name, value: effect.value, tags: effect.tags ?? {} } });
    }
  }
  return records;
}
