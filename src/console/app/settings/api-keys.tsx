import { useState } from 'react';
import { api, errorMessage, seg } from '../api/client';
import type { ApiKeyInfo } from '../api/types';
import { AsyncView, Empty, ErrorBanner, formatTime, useAsync } from '../ui/async';
import { ApiKeyForm } from './api-key-form';

export function ApiKeysSettings({ permissions }: { permissions: string[] }) {
  const keys = useAsync(() => api.get<{ apiKeys: ApiKeyInfo[] }>('/api-keys').then((r) => r.apiKeys), []);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canWrite = permissions.includes('api_keys:write');

  async function revoke(key: ApiKeyInfo) {
    if (!confirm(`Revoke “${key.name}”? Anything using it stops working at once.`)) return;
    try {
      await api.del(`/api-keys/${seg(key.id)}`);
      keys.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <section>
      {canWrite ? (
        <ApiKeyForm
          permissions={permissions}
          onCreated={(s) => {
            setSecret(s);
            keys.reload();
          }}
        />
      ) : null}
      {secret ? (
        <div className="notice" role="status">
          Copy the key now, it is shown only once: <code className="secret">{secret}</code>
        </div>
      ) : null}
      {error ? <ErrorBanner error={error} /> : null}
      <AsyncView state={keys} what="API keys">
        {(list) =>
          list.length === 0 ? (
            <Empty title="No API keys">Create one for a server that calls the API.</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr><th>Name</th><th>Starts with</th><th>Permissions</th><th>Last used</th><th>Status</th><th /></tr>
              </thead>
              <tbody>
                {list.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td><code>{k.prefix}…</code></td>
                    <td className="small" title={k.scopes.join(', ')}>{k.scopes.length <= 3 ? k.scopes.join(', ') : `${k.scopes.length} permissions`}</td>
                    <td>{formatTime(k.lastUsedAt)}</td>
                    <td>{k.revokedAt ? <span className="badge bad">revoked</span> : k.expiresAt && Date.parse(k.expiresAt) <= Date.now() ? <span className="badge bad">expired</span> : k.expiresAt ? `expires ${formatTime(k.expiresAt)}` : <span className="badge ok">active</span>}</td>
                    <td>{k.revokedAt || !canWrite ? null : <button type="button" onClick={() => void revoke(k)}>Revoke</button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
    </section>
  );
}
