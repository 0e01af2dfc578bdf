import { type FormEvent, useState } from 'react';
import type { components } from '../../../api-types/openapi.gen';
import { api, errorMessage, seg } from '../api/client';
import type { Integration } from '../api/types';
import { AsyncView, Empty, ErrorBanner, useAsync } from '../ui/async';
import { type FieldValues, SchemaFields, toObject } from './schema-fields';

type Kind = components['schemas']['IntegrationKind'];

function NewIntegration({ kinds, onCreated }: { kinds: Kind[]; onCreated: () => void }) {
  const [kindId, setKindId] = useState(kinds[0]?.id ?? '');
  const [name, setName] = useState('');
  const [config, setConfig] = useState<FieldValues>({});
  const [secrets, setSecrets] = useState<FieldValues>({});
  const [error, setError] = useState<string | null>(null);
  const kind = kinds.find((k) => k.id === kindId);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await api.post('/integrations', { name: name.trim(), kind: kindId, config: toObject(kind?.configSchema, config), secrets: toObject(kind?.secretsSchema, secrets) });
      setName('');
      setConfig({});
      setSecrets({});
      onCreated();
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  return (
    <form className="card" onSubmit={submit} aria-label="New integration">
      <h3>New integration</h3>
      <div className="inline-form">
        <input placeholder="name used in flows, e.g. orders" value={name} onChange={(e) => setName(e.target.value)} aria-label="Integration name" required />
        <select value={kindId} onChange={(e) => setKindId(e.target.value)} aria-label="Kind">
          {kinds.map((k) => <option key={k.id} value={k.id}>{k.title}</option>)}
        </select>
      </div>
      {kind ? <p className="muted small">{kind.description}</p> : null}
      <h4>Settings</h4>
      <SchemaFields schema={kind?.configSchema} values={config} onChange={setConfig} />
      <h4>Credentials (stored encrypted, never shown again)</h4>
      <SchemaFields schema={kind?.secretsSchema} values={secrets} onChange={setSecrets} secret />
      {error ? <ErrorBanner error={error} /> : null}
      <button type="submit" className="primary">Create</button>
    </form>
  );
}

export function IntegrationsSettings() {
  const data = useAsync(async () => {
    const [list, kinds] = await Promise.all([api.get<{ integrations: Integration[] }>('/integrations'), api.get<{ kinds: Kind[] }>('/integrations/kinds')]);
    return { integrations: list.integrations, kinds: kinds.kinds };
  }, []);
  const [result, setResult] = useState<{ id: string; text: string; ok: boolean } | null>(null);

  async function test(i: Integration) {
    try {
      const r = await api.post<{ ok: boolean; latencyMs: number; error?: { message: string } }>(`/integrations/${seg(i.id)}/test`, {});
      setResult({ id: i.id, ok: r.ok, text: r.ok ? `Reachable in ${r.latencyMs} ms.` : (r.error?.message ?? 'The test failed.') });
    } catch (e) {
      setResult({ id: i.id, ok: false, text: errorMessage(e) });
    }
  }
  async function remove(i: Integration) {
    if (!confirm(`Delete the integration “${i.name}”? Flows that call it will fail.`)) return;
    try {
      await api.del(`/integrations/${seg(i.id)}`);
      data.reload();
    } catch (e) {
      setResult({ id: i.id, ok: false, text: errorMessage(e) });
    }
  }

  return (
    <AsyncView state={data} what="integrations">
      {({ integrations, kinds }) => (
        <section>
          {integrations.length === 0 ? (
            <Empty title="No integrations">Connect a CRM, an ERP, any HTTP API or an MCP server; flows call them by name.</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr><th>Name</th><th>Kind</th><th>Credentials set</th><th /></tr>
              </thead>
              <tbody>
                {integrations.map((i) => (
                  <tr key={i.id}>
                    <td>{i.name}</td>
                    <td>{i.kind}</td>
                    <td className="small">{i.secretsSet?.join(', ') || '—'}</td>
                    <td>
                      <button type="button" onClick={() => void test(i)}>Test</button> <button type="button" onClick={() => void remove(i)}>Delete</button>
                      {result?.id === i.id ? <div className={result.ok ? 'ok small' : 'bad small'}>{result.text}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <NewIntegration kinds={kinds} onCreated={data.reload} />
        </section>
      )}
    </AsyncView>
  );
}
