import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../api/client';
import { ErrorBanner } from '../ui/async';

const DAY = 86_400_000;
const EXPIRY = [
  { id: 'never', label: 'Never expires' },
  { id: '30', label: 'In 30 days' },
  { id: '90', label: 'In 90 days' },
  { id: '365', label: 'In a year' },
  { id: 'date', label: 'On a date…' },
] as const;
type Expiry = (typeof EXPIRY)[number]['id'];

/** The ISO time the API takes for `expiresAt`, or undefined for a key that never expires. */
function expiresAt(choice: Expiry, date: string): string | undefined {
  if (choice === 'never') return undefined;
  if (choice === 'date') return new Date(`${date}T23:59:59`).toISOString();
  return new Date(Date.now() + Number(choice) * DAY).toISOString();
}

/**
 * A new API key: a name, the permissions it carries (all of the creator's, or a chosen subset:
 * the API refuses any the creator lacks, so only those are offered) and when it expires.
 */
export function ApiKeyForm({ permissions, onCreated }: { permissions: string[]; onCreated: (secret: string) => void }) {
  const offered = permissions.filter((p) => p !== 'platform:admin');
  const [name, setName] = useState('');
  const [limited, setLimited] = useState(false);
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiry, setExpiry] = useState<Expiry>('never');
  const [date, setDate] = useState('');
  const [error, setError] = useState<string | null>(null);
  const tomorrow = new Date(Date.now() + DAY).toISOString().slice(0, 10);

  const toggle = (p: string) => setScopes((s) => (s.includes(p) ? s.filter((x) => x !== p) : [...s, p]));

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (limited && scopes.length === 0) return setError('Choose at least one permission, or give the key all of yours.');
    if (expiry === 'date' && !date) return setError('Choose the day the key expires.');
    try {
      const body = { name: name.trim(), ...(limited ? { scopes } : {}), ...(expiry === 'never' ? {} : { expiresAt: expiresAt(expiry, date) }) };
      const result = await api.post<{ secret: string }>('/api-keys', body);
      setName('');
      setScopes([]);
      setLimited(false);
      setExpiry('never');
      onCreated(result.secret);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <form className="card key-form" onSubmit={create} aria-label="New API key">
      <div className="inline-form">
        <input placeholder="Key name, e.g. CRM sync" value={name} onChange={(e) => setName(e.target.value)} aria-label="Key name" required maxLength={100} />
        <select value={expiry} onChange={(e) => setExpiry(e.target.value as Expiry)} aria-label="Expires">
          {EXPIRY.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
        </select>
        {expiry === 'date' ? <input type="date" min={tomorrow} value={date} onChange={(e) => setDate(e.target.value)} aria-label="Expiry date" /> : null}
        <button type="submit" className="primary">Create key</button>
      </div>
      <label className="check">
        <input type="checkbox" checked={limited} onChange={(e) => setLimited(e.target.checked)} /> Limit the key to some permissions (otherwise it carries all of yours)
      </label>
      {limited ? (
        <fieldset className="scopes" aria-label="Permissions">
          {offered.map((p) => (
            <label key={p}>
              <input type="checkbox" checked={scopes.includes(p)} onChange={() => toggle(p)} /> <code>{p}</code>
            </label>
          ))}
        </fieldset>
      ) : null}
      {error ? <ErrorBanner error={error} /> : null}
    </form>
  );
}
