import { type FormEvent, useState } from 'react';
import type { components } from '../../../api-types/openapi.gen';
import { api, errorMessage } from '../api/client';
import { AsyncView, Empty, ErrorBanner, formatTime, useAsync } from '../ui/async';
import { parseTargets, targetsText } from './model-targets';

const TASKS = ['intent', 'entities', 'generate', 'sentiment'] as const;
/** The server's rule for provider names (settings-contract.ts): flows and routing refer to them. */
const PROVIDER_NAME = /^[a-z][a-z0-9_-]{0,39}$/;

type Settings = components['schemas']['ModelSettings'];
type Routing = Settings['routing'];
/** A provider kind of the server's registry (`GET /v1/models/kinds`). */
type ProviderKind = components['schemas']['ProviderKind'];
interface ProviderInput {
  kind: string;
  baseUrl?: string;
  apiKey?: string | null;
}

/** The tenant's own providers as PUT takes them: stored keys are kept by leaving `apiKey` out. */
const tenantProviders = (s: Settings): Record<string, ProviderInput> =>
  Object.fromEntries(
    Object.entries(s.providers)
      .filter(([, p]) => p.source === 'tenant')
      .map(([name, p]) => [name, { kind: p.kind, ...(p.baseUrl ? { baseUrl: p.baseUrl } : {}) }]),
  );

function NewProvider({ kinds, onAdd }: { kinds: ProviderKind[]; onAdd: (name: string, provider: ProviderInput) => Promise<void> }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<string>(kinds[0]?.id ?? '');
  const needsBaseUrl = kinds.find((k) => k.id === kind)?.defaultBaseUrl === null;
  const [baseUrl, setBaseUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const nameError = name && !PROVIDER_NAME.test(name) ? 'Use 1–40 lowercase letters, digits, - and _, starting with a letter.' : null;
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (nameError) return;
    await onAdd(name, { kind, ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}), ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}) });
    setName('');
    setBaseUrl('');
    setApiKey('');
  }
  return (
    <form className="card" onSubmit={submit} aria-label="Add a provider">
      <h3>Add a provider</h3>
      <div className="inline-form">
        <input aria-label="Provider name" placeholder="name, e.g. openai" value={name} onChange={(e) => setName(e.target.value)} required aria-invalid={nameError ? true : undefined} />
        <select aria-label="Provider kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          {kinds.map((k) => <option key={k.id} value={k.id}>{k.id}</option>)}
        </select>
        <input aria-label="Base URL" placeholder={needsBaseUrl ? 'https://… (required)' : 'base URL (optional)'} value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} required={needsBaseUrl} />
        <input aria-label="API key" type="password" placeholder="API key (stored encrypted)" value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="off" />
        <button type="submit" className="primary" disabled={Boolean(nameError)}>Add</button>
      </div>
      {nameError ? <div className="field-error" role="alert">{nameError}</div> : null}
    </form>
  );
}

function RoutingForm({ settings, onSave }: { settings: Settings; onSave: (routing: Routing) => Promise<void> }) {
  const [texts, setTexts] = useState(() => Object.fromEntries(TASKS.map((t) => [t, targetsText(settings.routing.tasks?.[t])])));
  const [threshold, setThreshold] = useState(settings.routing.cascadeThreshold === undefined ? '' : String(settings.routing.cascadeThreshold));
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const tasks = Object.fromEntries(TASKS.filter((t) => texts[t]?.trim()).map((t) => [t, parseTargets(texts[t] ?? '')]));
      const cascade = threshold.trim() === '' ? undefined : Number(threshold);
      if (cascade !== undefined && !(cascade >= 0 && cascade <= 1)) throw new Error('The cascade threshold is a number from 0 to 1.');
      await onSave({ ...(cascade === undefined ? {} : { cascadeThreshold: cascade }), tasks });
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  return (
    <form className="card" onSubmit={submit} aria-label="Routing">
      <h3>Routing</h3>
      <p className="small muted">For each task, the models to call in order (the first, then its fallbacks), as provider/model. Empty uses the default shown.</p>
      <div className="routing">
        {TASKS.map((t) => (
          <label key={t} style={{ display: 'contents' }}>
            <span>{t}</span>
            <input aria-label={`Models for ${t}`} value={texts[t] ?? ''} onChange={(e) => setTexts({ ...texts, [t]: e.target.value })} placeholder={targetsText(settings.effectiveRouting.tasks?.[t]) || 'offline only'} />
          </label>
        ))}
        <label style={{ display: 'contents' }}>
          <span>cascade below</span>
          <input aria-label="Cascade threshold" inputMode="decimal" value={threshold} onChange={(e) => setThreshold(e.target.value)} placeholder={`${settings.effectiveRouting.cascadeThreshold ?? ''} (ask the LLM when the offline confidence is lower)`} />
        </label>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      <div className="actions" style={{ marginTop: 8 }}>
        <button type="submit" className="primary">Save routing</button>
      </div>
    </form>
  );
}

/** Per-workspace LLM providers (keys go in, never come out) and which model does which task. */
export function ModelsSettings({ permissions }: { permissions: string[] }) {
  const settings = useAsync(() => api.get<Settings>('/models/settings'), []);
  const kinds = useAsync(() => api.get<{ kinds: ProviderKind[] }>('/models/kinds').then((r) => r.kinds), []);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const canWrite = permissions.includes('models:write');

  async function put(current: Settings, change: { providers?: Record<string, ProviderInput>; routing?: Routing }, done: string) {
    setNotice(null);
    try {
      await api.put('/models/settings', { providers: change.providers ?? tenantProviders(current), routing: change.routing ?? current.routing });
      setNotice({ ok: true, text: done });
      settings.reload();
    } catch (e) {
      setNotice({ ok: false, text: errorMessage(e) });
    }
  }
  async function test(name: string) {
    setNotice(null);
    try {
      const r = await api.post<{ ok: boolean; latencyMs: number; models?: string[]; error?: { message: string } }>('/models/test', { provider: name });
      setNotice(r.ok ? { ok: true, text: `${name} answered in ${r.latencyMs} ms with ${r.models?.length ?? 0} models.` } : { ok: false, text: `${name}: ${r.error?.message ?? 'the test failed'}` });
    } catch (e) {
      setNotice({ ok: false, text: errorMessage(e) });
    }
  }

  return (
    <AsyncView state={settings} what="model settings">
      {(s) => {
        const providers = Object.entries(s.providers);
        const without = (name: string) => Object.fromEntries(Object.entries(tenantProviders(s)).filter(([n]) => n !== name));
        return (
          <section>
            {notice ? notice.ok ? <div className="notice" role="status">{notice.text}</div> : <ErrorBanner error={notice.text} /> : null}
            {providers.length === 0 ? (
              <Empty title="Offline models only">The built-in NLU answers every task. Add an OpenAI, Anthropic or OpenAI-compatible provider to generate replies and classify with an LLM.</Empty>
            ) : (
              <table className="table" aria-label="Providers">
                <thead>
                  <tr><th>Name</th><th>Kind</th><th>Base URL</th><th>Key</th><th>From</th><th /></tr>
                </thead>
                <tbody>
                  {providers.map(([name, p]) => (
                    <tr key={name}>
                      <td>{name}</td>
                      <td>{p.kind}</td>
                      <td className="small">{p.baseUrl ?? 'default'}</td>
                      <td className="small">{p.hasApiKey ? `set${p.apiKeyHint ? ` (…${p.apiKeyHint})` : ''}` : 'none'}</td>
                      <td className="small">{p.source === 'tenant' ? 'this workspace' : `server${p.defaultModel ? ` · ${p.defaultModel}` : ''}`}</td>
                      <td>
                        {canWrite ? <button type="button" onClick={() => void test(name)}>Test</button> : null}{' '}
                        {canWrite && p.source === 'tenant' ? (
                          <button type="button" onClick={() => confirm(`Remove the provider “${name}” and its key?`) && void put(s, { providers: without(name) }, `Removed ${name}.`)}>Remove</button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {canWrite ? (
              <>
                {kinds.status === 'ready' ? <NewProvider kinds={kinds.data} onAdd={(name, provider) => put(s, { providers: { ...tenantProviders(s), [name]: provider } }, `Added ${name}.`)} /> : null}
                <RoutingForm key={s.updatedAt ?? 'none'} settings={s} onSave={(routing) => put(s, { routing }, 'Routing saved.')} />
              </>
            ) : null}
            <p className="small muted">Last changed {formatTime(s.updatedAt)}.</p>
          </section>
        );
      }}
    </AsyncView>
  );
}
