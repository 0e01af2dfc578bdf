import { useState } from 'react';
import { api, errorMessage, seg } from '../api/client';
import type { ChannelKind, ChannelView, WidgetEmbed } from '../api/types';
import { AsyncView, ErrorBanner, useAsync } from '../ui/async';
import { CopyButton } from '../ui/copy-button';
import { type FieldValues, SchemaFields, toObject, toValues } from './schema-fields';

/** The web chat's key and the two tags that put it on a site (the API answers only those who manage channels). */
function WidgetEmbedInfo() {
  const embed = useAsync(() => api.get<WidgetEmbed>('/channels/web/widget'), []);
  return (
    <AsyncView state={embed} what="the widget key">
      {(e) => (
        <div className="widget-embed" data-testid="widget-embed">
          <div className="copy-row small">
            Widget key <code data-testid="widget-key">{e.widgetKey}</code> <CopyButton text={e.widgetKey} label="Copy key" />
          </div>
          <p className="small muted">Paste this into any page of your site (before the closing body tag):</p>
          <pre className="snippet" data-testid="widget-snippet">{e.snippet}</pre>
          <div className="copy-row">
            <CopyButton text={e.snippet} label="Copy snippet" />
            <a className="small" href={`/widget/demo?key=${encodeURIComponent(e.widgetKey)}`} target="_blank" rel="noreferrer">
              See it on a sample page
            </a>
          </div>
        </div>
      )}
    </AsyncView>
  );
}

/** Web chat needs no set-up: without a stored row it is on and any page may embed it. */
function StatusBadge({ kind, view }: { kind: ChannelKind; view: ChannelView | undefined }) {
  if (view) return <span className={`badge ${view.enabled ? 'ok' : ''}`}>{view.enabled ? 'on' : 'off'}</span>;
  if (kind.id === 'web') return <span className="badge ok" title="Works out of the box; list allowed origins to restrict it">on</span>;
  return <span className="badge">not set up</span>;
}

function ChannelCard({ kind, view, canWrite, onSaved }: { kind: ChannelKind; view: ChannelView | undefined; canWrite: boolean; onSaved: () => void }) {
  const secrets = new Set(kind.secretFields);
  const [values, setValues] = useState<FieldValues>(() => toValues(kind.configSchema, view?.config ?? {}));
  const [enabled, setEnabled] = useState(view?.enabled ?? true);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function save() {
    setMessage(null);
    try {
      // Secret fields left empty are omitted, which keeps the stored value.
      const config = Object.fromEntries(Object.entries(toObject(kind.configSchema, values)).filter(([k, v]) => !(secrets.has(k) && v === '')));
      await api.put(`/channels/${seg(kind.id)}`, { enabled, config });
      setMessage({ ok: true, text: 'Saved.' });
      onSaved();
    } catch (e) {
      setMessage({ ok: false, text: errorMessage(e) });
    }
  }
  async function remove() {
    if (!confirm(`Remove the ${kind.id} channel and its credentials?`)) return;
    try {
      await api.del(`/channels/${seg(kind.id)}`);
      onSaved();
    } catch (e) {
      setMessage({ ok: false, text: errorMessage(e) });
    }
  }

  return (
    <div className="card" data-channel={kind.id}>
      <h3>
        {kind.id} <StatusBadge kind={kind} view={view} />
      </h3>
      {kind.id === 'web' && !view ? <p className="small muted">Works without set-up: any site may embed it until you list allowed origins below.</p> : null}
      {kind.id === 'web' && canWrite ? <WidgetEmbedInfo /> : null}
      {view?.webhookPath ? (
        <p className="small copy-row">
          Webhook URL <code data-testid="webhook-url">{location.origin + view.webhookPath}</code> <CopyButton text={location.origin + view.webhookPath} label="Copy URL" />
        </p>
      ) : null}
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> enabled
      </label>
      <SchemaFields schema={kind.configSchema} values={values} onChange={setValues} />
      {message ? message.ok ? <div className="notice">{message.text}</div> : <ErrorBanner error={message.text} /> : null}
      {canWrite ? (
        <div className="actions">
          <button type="button" className="primary" onClick={() => void save()}>Save</button>
          {view ? <button type="button" onClick={() => void remove()}>Remove</button> : null}
        </div>
      ) : null}
    </div>
  );
}

export function ChannelsSettings({ permissions }: { permissions: string[] }) {
  const canWrite = permissions.includes('channels:write');
  const data = useAsync(async () => {
    const [kinds, channels] = await Promise.all([api.get<{ kinds: ChannelKind[] }>('/channels/kinds'), api.get<{ channels: ChannelView[] }>('/channels')]);
    return { kinds: kinds.kinds, channels: channels.channels };
  }, []);
  return (
    <AsyncView state={data} what="channels">
      {({ kinds, channels }) => (
        <div className="cards">
          {kinds.map((k) => (
            <ChannelCard key={k.id} kind={k} view={channels.find((c) => c.channel === k.id)} canWrite={canWrite} onSaved={data.reload} />
          ))}
        </div>
      )}
    </AsyncView>
  );
}
