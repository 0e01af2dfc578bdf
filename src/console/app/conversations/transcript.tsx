import type { StoredMessage, TurnTrace } from '../api/types';
import { formatTime } from '../ui/async';
import { TraceView } from '../ui/trace-view';

function text(m: StoredMessage): string {
  return m.text ?? m.reply?.text ?? (m.payload ? `[button] ${m.payload}` : '');
}

/**
 * A conversation's messages; each turn's replies sit beside its trace (states, intent and
 * confidence, slots, integration and model calls). Agent replies are marked as such.
 */
export function Transcript(props: { messages: StoredMessage[]; turns: TurnTrace[]; showTrace?: boolean; flowName?: (flowId: string) => string }) {
  const flowName = props.flowName ?? ((id: string) => id);
  const traces = new Map(props.turns.map((t) => [t.turnId, t]));
  const shown = new Set<string>();
  if (props.messages.length === 0) return <div className="empty">No messages in this conversation yet.</div>;
  return (
    <div className="transcript" aria-label="Transcript">
      {props.messages.map((m) => {
        // The trace sits beside the first message of its turn (the bot's first reply).
        const trace = m.turnId && !shown.has(m.turnId) ? traces.get(m.turnId) : undefined;
        if (trace) shown.add(trace.turnId);
        const who = m.direction === 'inbound' ? 'user' : m.author === 'agent' ? 'agent' : 'bot';
        return (
          <div className={props.showTrace === false ? 'transcript-row no-trace' : 'transcript-row'} key={m.id} data-author={who}>
            <div className="chat">
              <div className={`bubble ${who}`}>
                {who === 'agent' ? <span className="who">Agent · </span> : null}
                {text(m)}
              </div>
              <div className="muted small">
                {formatTime(m.createdAt)} · {m.channel}
              </div>
            </div>
            {props.showTrace !== false ? (
              <div className="turn-trace">
                {trace ? (
                  <details open>
                    <summary>
                      Turn {trace.turn} · <span title={trace.flowId}>{flowName(trace.flowId)}</span> v{trace.flowVersion}
                    </summary>
                    <TraceView events={trace.events} />
                  </details>
                ) : null}
              </div>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
