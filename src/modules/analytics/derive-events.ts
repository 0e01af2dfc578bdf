import { createHash } from 'node:crypto';
import type { TraceEvent, TurnRecord } from '../engine/contract.js';
import type { AnalyticsEvent, AnalyticsEventBody, EventScope } from './contract.js';

/** The NLU's name for "no intent above the threshold" (models' FALLBACK_INTENT). */
const FALLBACK_INTENT = 'fallback';

/**
 * A UUID fixed by the turn and the event's position in it: deriving a turn twice yields the same
 * ids, so a replayed turn or a redelivered stream entry is stored once.
 */
export function eventId(turnId: string, index: number): string {
  const hex = createHash('sha1').update(`${turnId}/${index}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type Timed = { at: string; body: AnalyticsEventBody };

type IntentBody = Extract<AnalyticsEventBody, { type: 'intent_detected' }>;

/**
 * Events read off the trace, in trace order. A message is a fallback when the state that took it
 * neither left on a transition (other than its `fallback: then`) nor used it for a slot: the
 * state then said its fallback line and stays. That state is also the intent's state.
 */
function fromTrace(trace: readonly TraceEvent[], finalState: string | null): { events: Timed[]; fallback: boolean } {
  const events: Timed[] = [];
  const entered = new Set<string>();
  let fallback = false;
  let undecided: IntentBody | null = null;
  const decide = (state: string | null, missed: boolean) => {
    if (!undecided) return;
    undecided.state = state;
    if (missed) fallback = true;
    undecided = null;
  };
  for (const t of trace) {
    switch (t.type) {
      case 'state_entered':
        // The funnel counts conversations per state: a state re-entered within one turn adds nothing.
        if (!entered.has(t.state)) events.push({ at: t.at, body: { type: 'state_entered', state: t.state } });
        entered.add(t.state);
        break;
      case 'intent': {
        const body: IntentBody = { type: 'intent_detected', state: null, intent: t.name ?? FALLBACK_INTENT, confidence: t.confidence, provider: t.provider };
        undecided = body;
        events.push({ at: t.at, body });
        break;
      }
      case 'transition':
        decide(t.from, t.reason === 'fallback');
        break;
      case 'slot_rejected':
        decide(t.state, false);
        break;
      case 'slot_set':
        decide(t.state, false);
        events.push({ at: t.at, body: { type: 'slot_filled', state: t.state, slot: t.slot } });
        break;
      case 'ended':
        events.push({ at: t.at, body: { type: 'conversation_ended', state: t.state, goal: t.goal } });
        if (t.goal) events.push({ at: t.at, body: { type: 'goal_reached', state: t.state } });
        break;
      case 'handoff':
        // A message to a conversation already with a person traces `handoff` again without entering a state.
        if (entered.has(t.state)) events.push({ at: t.at, body: { type: 'handoff', state: t.state } });
        break;
      case 'error':
        decide(t.state, false);
        events.push({ at: t.at, body: { type: 'error', state: t.state, code: t.code } });
        break;
      case 'step_limit':
        events.push({ at: t.at, body: { type: 'error', state: t.state, code: 'step_limit' } });
        break;
      case 'integration_call':
        events.push({ at: t.at, body: { type: 'integration_called', integration: t.integration, operation: t.operation, ok: t.ok, latencyMs: t.latencyMs } });
        break;
      case 'model_call':
        events.push({
          at: t.at,
          body: {
            type: 'model_called',
            task: t.task,
            provider: t.provider,
            model: t.model,
            ok: t.ok,
            latencyMs: t.latencyMs,
            tokensIn: t.tokensIn ?? 0,
            tokensOut: t.tokensOut ?? 0,
            costUsd: t.costUsd ?? 0,
          },
        });
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
  return { events, fallback };
}

/**
 * Every analytics event of one committed turn. One inbound message is one turn; `replies` is the
 * number of messages sent. Pure: same record, same events, same ids.
 */
export function deriveEvents(record: TurnRecord): AnalyticsEvent[] {
  const at = record.startedAt;
  const timed: Timed[] = [];
  if (record.newRun) timed.push({ at, body: { type: 'conversation_started' } });
  timed.push({ at, body: { type: 'message_received' } });
  const traced = fromTrace(record.trace, record.state);
  timed.push(...traced.events);
  if (traced.fallback) timed.push({ at, body: { type: 'fallback', state: record.state } });
  for (const effect of record.sideEffects) {
    if (effect.kind === 'emit') timed.push({ at, body: { type: 'custom_metric', name: effect.name, value: effect.value, tags: effect.tags ?? {} } });
  }
  if (record.replies > 0) timed.push({ at, body: { type: 'message_sent', count: record.replies } });
  timed.push({
    at,
    body: { type: 'turn_completed', state: record.state, status: record.status, latencyMs: record.latencyMs, lockWaitMs: record.lockWaitMs, replies: record.replies },
  });

  return timed.map(({ at: time, body }, index) => {
    const scope: EventScope = {
      id: eventId(record.turnId, index),
      tenantId: record.tenantId,
      flowId: record.flowId,
      flowVersion: record.flowVersion,
      channel: record.channel,
      conversationId: record.conversationId,
      turnId: record.turnId,
      turn: record.turn,
      at: time,
    };
    return { ...scope, ...body };
  });
}
