import { useState } from 'react';
import { api, errorMessage, seg } from '../api/client';
import type { ChannelKind, ChannelView } from '../api/types';
import { AsyncView, ErrorBanner, useAsync } from '../ui/async';
import { type FieldValues, SchemaFields, toObject, toValues } from './schema-fields';

function ChannelCard({ kind, view, onSaved }: { kind: ChannelKind; view: ChannelView | undefined; onSaved: () => void }) {
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
        {kind.id} {view ? <span className={`badge ${view.enabled ? 'ok' : ''}`}>{view.enabled ? 'on' : 'off'}</span> : <span className="badge">not set up</span>}
      </h3>
      {view?.webhookPath ? <p className="small">Webhook: <code>{location.origin + view.webhookPath}</code></p> : null}
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> enabled
      </label>
      <SchemaFields schema={kind.configSchema} values={values} onChange={setValues} />
      {message ? message.ok ? <div className="notice">{message.text}</div> : <ErrorBanner error={message.text} /> : null}
      <div className="actions">
        <button type="button" className="primary" onClick={() => void save()}>Save</button>
        {view ? <button type="button" onClick={() => void remove()}>Remove</button> : null}
      </div>
    </div>
  );
}

export function ChannelsSettings() {
  const data = useAsync(async () => {
    const [kinds, channels] = await Promise.all([api.get<{ kinds: ChannelKind[] }>('/channels/kinds'), api.get<{ channels: ChannelView[] }>('/channels')]);
    return { kinds: kinds.kinds, channels: channels.channels };
  }, []);
  return (
    <AsyncView state={data} what="channels">
      {({ kinds, channels }) => (
        <div className="cards">
          {kinds.map((k) => (
            <ChannelCard key={k.id} kind={k} view={channels.find((c) => c.channel === k.id)} onSaved={data.reload} />
          ))}
        </div>
      )}
    </AsyncView>
  );
}
