import { type FormEvent, useState } from 'react';
import { api, errorMessage, seg } from '../api/client';
import { AsyncView, Empty, ErrorBanner, formatTime, useAsync } from '../ui/async';
import { Link, navigate } from '../ui/router';
import { Transcript } from './transcript';
import { useFlowNames } from './use-flow-names';
import { type ConversationFilters, listConversations, useConversation } from './use-conversation';

/** The server's channel kinds, and `api` (conversations posted to the API name no channel kind). */
const loadChannels = () => api.get<{ kinds: { id: string }[] }>('/channels/kinds').then((r) => [...r.kinds.map((k) => k.id), 'api']);

function ConversationList({ selected }: { selected: string | null }) {
  const [draft, setDraft] = useState<ConversationFilters>({});
  const [filters, setFilters] = useState<ConversationFilters>({});
  const list = useAsync(() => listConversations(filters), [JSON.stringify(filters)]);
  const channels = useAsync(loadChannels, []);
  const set = (k: keyof ConversationFilters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  function submit(event: FormEvent) {
    event.preventDefault();
    setFilters({ ...draft, from: draft.from ? new Date(draft.from).toISOString() : '', to: draft.to ? new Date(`${draft.to}T23:59:59`).toISOString() : '' });
  }
  return (
    <aside className="list-pane">
      <form className="filters" onSubmit={submit} aria-label="Search conversations">
        <input placeholder="Search id or text" value={draft.q ?? ''} onChange={set('q')} aria-label="Search" />
        <select value={draft.status ?? ''} onChange={set('status')} aria-label="Status">
          <option value="">any status</option>
          <option value="active">active</option>
          <option value="handoff">handed off</option>
        </select>
        <select value={draft.channel ?? ''} onChange={set('channel')} aria-label="Channel">
          <option value="">any channel</option>
          {(channels.status === 'ready' ? channels.data : []).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <input type="date" value={draft.from ?? ''} onChange={set('from')} aria-label="From" />
        <input type="date" value={draft.to ?? ''} onChange={set('to')} aria-label="To" />
        <button type="submit">Search</button>
      </form>
      <OpenById />
      <AsyncView state={list} what="conversations">
        {(rows) =>
          rows === null ? (
            <Empty title="Listing is not available">This server cannot list conversations yet; open one by its id above.</Empty>
          ) : rows.length === 0 ? (
            <Empty title="No conversations match">Change the filters, or talk to the bot to start one.</Empty>
          ) : (
            <ul className="rows">
              {rows.map((c) => (
                <li key={c.id} className={selected === c.id ? 'active' : ''}>
                  <Link to={`/conversations/${seg(c.id)}`}>
                    <strong>{c.id}</strong>
                    <span className="muted small">
                      {c.channel} · {c.messageCount} messages · {formatTime(c.lastMessageAt)} {c.status === 'handoff' ? '· handed off' : ''}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )
        }
      </AsyncView>
    </aside>
  );
}

function OpenById() {
  const [id, setId] = useState('');
  return (
    <form className="filters" onSubmit={(e) => { e.preventDefault(); if (id.trim()) navigate(`/conversations/${seg(id.trim())}`); }}>
      <input placeholder="Open by conversation id" value={id} onChange={(e) => setId(e.target.value)} aria-label="Conversation id" />
      <button type="submit">Open</button>
    </form>
  );
}

function ConversationDetail({ id, permissions }: { id: string; permissions: string[] }) {
  const [refresh, setRefresh] = useState(0);
  const flowName = useFlowNames(permissions.includes('flows:read'));
  const canReset = permissions.includes('conversations:reset');
  const [error, setError] = useState<string | null>(null);
  const data = useConversation(id, refresh);
  async function reset() {
    if (!confirm('Reset this conversation? The bot forgets its state, slots and variables; the next message starts the default flow afresh.')) return;
    try {
      await api.post(`/conversations/${seg(id)}/reset`);
      setRefresh((r) => r + 1);
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  return (
    <section className="detail-pane">
      <AsyncView state={data} what="the conversation">
        {({ conversation: c, messages, turns }) => (
          <>
            <header className="page-header">
              <div>
                <h1>{c.id}</h1>
                <span className="badge">{c.channel}</span>
                <span className={`badge ${c.status === 'handoff' ? 'warn' : ''}`}>{c.status === 'handoff' ? 'handed off' : c.status}</span>
                {c.state ? <span className="badge">state {c.state}</span> : null}
                {c.flowId ? <span className="badge" title={c.flowId}>{flowName(c.flowId)} v{c.flowVersion}</span> : null}
              </div>
              <div className="actions">
                {c.status === 'handoff' && permissions.includes('handoff:reply') ? <Link to={`/inbox/${seg(c.id)}`}>Answer in the inbox</Link> : null}
                <button type="button" onClick={() => setRefresh((r) => r + 1)}>Refresh</button>
                {canReset ? <button type="button" onClick={() => void reset()}>Reset</button> : null}
              </div>
            </header>
            {error ? <ErrorBanner error={error} /> : null}
            {c.slots && Object.keys(c.slots).length ? <div className="kv">slots: {JSON.stringify(c.slots)}</div> : null}
            {c.vars && Object.keys(c.vars).length ? <div className="kv">vars: {JSON.stringify(c.vars)}</div> : null}
            <Transcript messages={messages} turns={turns} flowName={flowName} />
          </>
        )}
      </AsyncView>
    </section>
  );
}

export function ConversationsPage({ selected, permissions }: { selected: string | null; permissions: string[] }) {
  return (
    <div className="master-detail">
      <ConversationList selected={selected} />
      {selected ? <ConversationDetail key={selected} id={selected} permissions={permissions} /> : <Empty title="Pick a conversation">Its transcript and each turn’s trace show here.</Empty>}
    </div>
  );
}
