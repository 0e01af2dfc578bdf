import { type FormEvent, useState } from 'react';
import { api, errorMessage, seg } from '../api/client';
import type { PlaygroundTurn, Reply } from '../api/types';
import { ErrorBanner } from '../ui/async';
import { TraceView } from '../ui/trace-view';

interface Turn {
  said: string;
  result: PlaygroundTurn | null;
  error: string | null;
}

const newSession = () => `console-try:${crypto.randomUUID().slice(0, 12)}`;

/**
 * "Try it": messages go to a throwaway session of this flow's saved draft
 * (POST /v1/flows/{id}/try/{session}?draft=true); each turn shows the replies and, beside them,
 * the turn's trace. `beforeSend` saves pending edits first, so what you try is what you see.
 */
export function TryPanel(props: { flowId: string; beforeSend: () => Promise<boolean>; onTurn: (turn: PlaygroundTurn | null) => void }) {
  const [session, setSession] = useState(newSession);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function send(message: { text?: string; payload?: string }, label: string) {
    setBusy(true);
    setError(null);
    try {
      if (!(await props.beforeSend())) return;
      const result = await api.post<PlaygroundTurn>(`/flows/${seg(props.flowId)}/try/${seg(session)}?draft=true`, message);
      setTurns((t) => [...t, { said: label, result, error: null }]);
      props.onTurn(result);
    } catch (e) {
      setTurns((t) => [...t, { said: label, result: null, error: errorMessage(e) }]);
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const said = text.trim();
    if (!said) return;
    setText('');
    void send({ text: said }, said);
  }

  function restart() {
    setSession(newSession());
    setTurns([]);
    props.onTurn(null);
  }

  const last = turns.at(-1)?.result;
  const buttons: Reply['quickReplies'] = last ? last.replies.flatMap((r) => [...(r.quickReplies ?? []), ...(r.buttons ?? [])]) : [];

  return (
    <section className="try-panel" aria-label="Try it">
      <div className="toolbar">
        <span className="muted">Session {session} · draft</span>
        <button type="button" onClick={restart} disabled={busy}>
          Restart
        </button>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      <div className="try-turns">
        {turns.length === 0 ? <div className="empty">Say something to the bot to see its replies and what it did.</div> : null}
        {turns.map((turn, i) => (
          <div className="try-turn" key={i} data-testid="try-turn">
            <div className="chat">
              <div className="bubble user">{turn.said}</div>
              {turn.error ? <ErrorBanner error={turn.error} /> : null}
              {turn.result?.replies.map((r, j) => (
                <div className="bubble bot" key={j}>
                  {r.text}
                </div>
              ))}
              {turn.result ? (
                <div className="muted small">
                  state {turn.result.state ?? '—'} · intent {turn.result.intent ?? '—'}
                  {turn.result.confidence !== null ? ` (${turn.result.confidence.toFixed(2)})` : ''}
                  {turn.result.ended ? ' · ended' : ''}
                  {turn.result.handoff ? ' · handed off' : ''}
                </div>
              ) : null}
            </div>
            <div className="turn-trace">{turn.result ? <TraceView events={turn.result.trace} /> : null}</div>
          </div>
        ))}
      </div>
      {buttons && buttons.length > 0 ? (
        <div className="quick-replies">
          {buttons.map((b) => (
            <button type="button" key={b.payload} disabled={busy} onClick={() => void send({ payload: b.payload }, b.title)}>
              {b.title}
            </button>
          ))}
        </div>
      ) : null}
      <form onSubmit={submit} className="try-input">
        <input aria-label="Message to the bot" value={text} onChange={(e) => setText(e.target.value)} placeholder="Type a message…" disabled={busy} />
        <button type="submit" className="primary" disabled={busy || !text.trim()}>
          {busy ? 'Sending…' : 'Send'}
        </button>
      </form>
    </section>
  );
}
