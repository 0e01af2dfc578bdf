import type { TraceEvent } from '../api/types';

const fmt = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const pct = (v: unknown) => (typeof v === 'number' ? v.toFixed(2) : '—');
const err = (e: unknown) => (e && typeof e === 'object' && 'message' in e ? ` — ${String((e as { message: unknown }).message)}` : '');

/** One line per trace event, worded for a bot builder; unknown event types still show their data. */
export function describeEvent(e: TraceEvent): { kind: string; text: string; bad?: boolean } {
  switch (e.type) {
    case 'state_entered':
      return { kind: 'state', text: `entered ${fmt(e.state)}` };
    case 'state_exited':
      return { kind: 'state', text: `left ${fmt(e.state)}` };
    case 'transition':
      return { kind: 'transition', text: `${fmt(e.from)} → ${fmt(e.to)} (${fmt(e.reason)})` };
    case 'intent':
      return { kind: 'intent', text: `${e.name === null ? 'no intent (fallback)' : fmt(e.name)} · confidence ${pct(e.confidence)} · ${fmt(e.provider)}` };
    case 'entities':
      return { kind: 'entities', text: Array.isArray(e.entities) ? e.entities.map((x: { entity: string; value: unknown }) => `${x.entity}=${fmt(x.value)}`).join(', ') || 'none' : '' };
    case 'slot_set':
      return { kind: 'slot', text: `${fmt(e.slot)} = ${fmt(e.value)} (${fmt(e.source)})` };
    case 'slot_rejected':
      return { kind: 'slot', text: `${fmt(e.slot)} rejected (${fmt(e.reason)}, attempt ${fmt(e.attempts)})`, bad: true };
    case 'var_set':
      return { kind: 'var', text: `${fmt(e.path)} = ${fmt(e.value)}` };
    case 'action':
      return { kind: 'action', text: `${fmt(e.kind)}${e.detail === undefined ? '' : ` ${fmt(e.detail)}`}` };
    case 'effect_requested':
      return { kind: 'effect', text: `requested ${fmt((e.effect as { kind?: unknown } | undefined)?.kind ?? 'an effect')}` };
    case 'effect_result':
      return { kind: 'effect', text: e.ok ? 'done' : `failed${err(e.error)}`, bad: !e.ok };
    case 'reply':
      return { kind: 'reply', text: fmt(e.text) };
    case 'integration_call':
      return { kind: 'integration', text: `${fmt(e.integration)}.${fmt(e.operation)} ${e.ok ? 'ok' : 'failed'} in ${fmt(e.latencyMs)} ms${err(e.error)}`, bad: !e.ok };
    case 'model_call':
      return {
        kind: 'model',
        text: `${fmt(e.task)} by ${fmt(e.provider)}/${fmt(e.model)} ${e.ok ? 'ok' : 'failed'} in ${fmt(e.latencyMs)} ms${e.tokensIn !== undefined ? ` · ${fmt(e.tokensIn)}+${fmt(e.tokensOut)} tokens` : ''}${err(e.error)}`,
        bad: !e.ok,
      };
    case 'knowledge_search': {
      const hits = Array.isArray(e.hits) ? (e.hits as { source: string; chunk: number }[]) : [];
      const found = hits.length === 0 ? 'nothing' : hits.map((h) => `${h.source} #${h.chunk + 1}`).join(', ');
      return { kind: 'knowledge', text: `“${fmt(e.question)}” → ${found}${e.method ? ` · answered by ${fmt(e.method)}` : ''}` };
    }
    case 'ended':
      return { kind: 'end', text: `conversation ended in ${fmt(e.state)}${e.goal ? ' (goal reached)' : ''}` };
    case 'handoff':
      return { kind: 'handoff', text: `handed off to a person in ${fmt(e.state)}` };
    case 'error':
    case 'condition_error':
    case 'template_error':
    case 'step_limit':
      return { kind: 'error', text: `${e.type}: ${fmt(e.message ?? e.states)}`, bad: true };
    default: {
      const rest = Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'type' && k !== 'at'));
      return { kind: e.type, text: JSON.stringify(rest) };
    }
  }
}

export function TraceView({ events }: { events: readonly TraceEvent[] }) {
  if (events.length === 0) return <div className="muted">No trace recorded for this turn.</div>;
  return (
    <ol className="trace" aria-label="Trace">
      {events.map((e, i) => {
        const d = describeEvent(e);
        return (
          <li key={i} className={d.bad ? 'bad' : ''} data-event={e.type}>
            <span className={`tag tag-${d.kind}`}>{d.kind}</span> <span>{d.text}</span>
          </li>
        );
      })}
    </ol>
  );
}

/** The states a turn went through, in order (for highlighting them in the graph). */
export const visitedStates = (events: readonly TraceEvent[]) => events.filter((e) => e.type === 'state_entered').map((e) => String(e.state));
