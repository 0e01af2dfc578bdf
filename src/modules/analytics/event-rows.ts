import type { AnalyticsEvent } from './contract.js';
import type { RawTable } from './migrations.js';

export type EventRow = Record<string, unknown>;

/** Which table an event lands in, and its row there (column names as in migrations.ts). */
export function toRow(event: AnalyticsEvent): { table: RawTable; row: EventRow } {
  const base = {
    id: event.id,
    tenant_id: event.tenantId,
    time: event.at,
    flow_id: event.flowId,
    flow_version: event.flowVersion,
    channel: event.channel,
    conversation_id: event.conversationId,
    turn_id: event.turnId,
    turn: event.turn,
  };
  const talk = (fields: { state?: string | null; name?: string | null; value?: number | null; detail?: object }) => ({
    table: 'conversation_analytics' as const,
    row: { ...base, event_type: event.type, state: null, name: null, value: null, detail: null, ...fields },
  });
  switch (event.type) {
    case 'message_received':
    case 'conversation_started':
      return talk({});
    case 'message_sent':
      return talk({ value: event.count });
    case 'conversation_ended':
      return talk({ state: event.state, value: event.goal ? 1 : 0 });
    case 'state_entered':
    case 'fallback':
    case 'goal_reached':
    case 'handoff':
      return talk({ state: event.state });
    case 'intent_detected':
      return talk({ state: event.state, name: event.intent ?? 'fallback', value: event.confidence, detail: { provider: event.provider } });
    case 'slot_filled':
      return talk({ state: event.state, name: event.slot });
    case 'error':
      return talk({ state: event.state, name: event.code });
    case 'turn_completed':
      return {
        table: 'system_metrics',
        row: { ...base, metric: 'turn', name: null, operation: null, state: event.state, status: event.status, ok: null, latency_ms: event.latencyMs, value: event.lockWaitMs },
      };
    case 'integration_called':
      return {
        table: 'system_metrics',
        row: { ...base, metric: 'integration_call', name: event.integration, operation: event.operation, state: null, status: null, ok: event.ok, latency_ms: event.latencyMs, value: null },
      };
    case 'model_called':
      return {
        table: 'model_usage_analytics',
        row: {
          ...base,
          task: event.task,
          provider: event.provider,
          model: event.model,
          ok: event.ok,
          latency_ms: event.latencyMs,
          tokens_in: event.tokensIn,
          tokens_out: event.tokensOut,
          cost_usd: event.costUsd,
        },
      };
    case 'custom_metric':
      return { table: 'custom_metrics', row: { ...base, name: event.name, value: event.value, tags: event.tags } };
    default: {
      const unhandled: never = event;
      throw new Error(`analytics: no table for event ${JSON.stringify(unhandled)}`);
    }
  }
}
