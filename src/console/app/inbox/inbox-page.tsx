import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, errorMessage, seg } from '../api/client';
import { Transcript } from '../conversations/transcript';
import { listConversations, useConversation } from '../conversations/use-conversation';
import { AsyncView, Empty, ErrorBanner, formatTime, useAsync } from '../ui/async';
import { Link, navigate } from '../ui/router';
import { useStickToBottom } from '../ui/use-stick-to-bottom';
import type { StoredMessage, TurnTrace } from '../api/types';

const POLL_MS = 4000;

/** Re-runs a load every few seconds while the page is open, so new handoffs and messages show up. */
function usePoll(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), POLL_MS);
    return () => clearInterval(timer);
  }, []);
  return tick;
}

/** The transcript scrolls inside the pane, opened at the newest message, with the reply box right under it. */
function InboxTranscript({ messages, turns }: { messages: StoredMessage[]; turns: TurnTrace[] }) {
  const { ref, onScroll } = useStickToBottom(messages.at(-1)?.id);
  return (
    <div className="transcript-scroll" ref={ref} onScroll={onScroll} data-testid="inbox-transcript">
      <Transcript messages={messages} turns={turns} showTrace={false} />
    </div>
  );
}

function Reply({ id, onSent }: { id: string; onSent: () => void }) {
  const form = useRef<HTMLFormElement>(null);
  // On a phone the pane sits under the list: bring the box to answer in into view.
  useEffect(() => {
    // Braces: Chromium's scrollIntoView now returns a promise, which React would take for a clean-up.
    void form.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function send(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(`/conversations/${seg(id)}/agent-reply`, { text });
      setText('');
      onSent();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  async function handBack() {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/conversations/${seg(id)}/hand-back`);
      navigate('/inbox');
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }
  return (
    <form className="reply-box" onSubmit={send} aria-label="Reply as an agent" ref={form}>
      {error ? <ErrorBanner error={error} /> : null}
      <textarea value={text} onChange={(e) => setText(e.target.value)} placeholder="Write to the customer; it reaches them on their channel" aria-label="Agent reply" rows={3} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !text.trim()}>
          {busy ? 'Sending…' : 'Send reply'}
        </button>
        <button type="button" onClick={() => void handBack()} disabled={busy}>
          Hand back to the bot
        </button>
      </div>
    </form>
  );
}

function InboxConversation({ id }: { id: string }) {
  const [sent, setSent] = useState(0);
  const tick = usePoll();
  const data = useConversation(id, `${tick}-${sent}`);
  return (
    <section className="detail-pane conversation-pane">
      <AsyncView state={data} what="the conversation">
        {({ conversation: c, messages, turns }) => (
          <>
            <header className="page-header">
              <div>
                <h1>{c.id}</h1>
                <span className="badge">{c.channel}</span>
                <span className={`badge ${c.status === 'handoff' ? 'warn' : 'ok'}`}>{c.status === 'handoff' ? `handed off ${formatTime(c.handoff?.at)}` : 'with the bot'}</span>
              </div>
              <Link to={`/conversations/${seg(c.id)}`}>Full trace</Link>
            </header>
            <InboxTranscript messages={messages} turns={turns} />
            {c.status === 'handoff' ? <Reply id={c.id} onSent={() => setSent((s) => s + 1)} /> : <div className="notice">The bot has this conversation again.</div>}
          </>
        )}
      </AsyncView>
    </section>
  );
}

export function InboxPage({ selected }: { selected: string | null }) {
  const tick = usePoll();
  const list = useAsync(() => listConversations({ status: 'handoff' }), [tick]);
  return (
    <div className="master-detail">
      <aside className="list-pane">
        <h2>Handed off</h2>
        <AsyncView state={list} what="the inbox">
          {(rows) =>
            rows === null ? (
              <Empty title="The inbox needs a newer server">It lists conversations with GET /v1/conversations?status=handoff.</Empty>
            ) : rows.length === 0 ? (
              <Empty title="Nobody is waiting">Conversations that the bot hands to a person show up here.</Empty>
            ) : (
              <ul className="rows">
                {rows.map((c) => (
                  <li key={c.id} className={selected === c.id ? 'active' : ''}>
                    <Link to={`/inbox/${seg(c.id)}`}>
                      <strong>{c.id}</strong>
                      <span className="muted small">
                        {c.channel} · waiting since {formatTime(c.handoff?.at ?? c.lastMessageAt)}
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            )
          }
        </AsyncView>
      </aside>
      {selected ? <InboxConversation key={selected} id={selected} /> : <Empty title="Pick a conversation">Answer it as an agent, then hand it back to the bot.</Empty>}
    </div>
  );
}
