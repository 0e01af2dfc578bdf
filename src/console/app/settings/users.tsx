import { type FormEvent, useState } from 'react';
import { api, errorMessage, seg } from '../api/client';
import type { User } from '../api/types';
import { AsyncView, ErrorBanner, formatTime, useAsync } from '../ui/async';

const ROLES = ['owner', 'admin', 'editor', 'analyst', 'agent'];

export function UsersSettings() {
  const users = useAsync(() => api.get<{ users: User[] }>('/users').then((r) => r.users), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('agent');
  const [invite, setInvite] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      users.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    void act(async () => {
      const result = await api.post<{ inviteToken: string }>('/users', { email: email.trim(), role });
      setInvite(result.inviteToken);
      setEmail('');
    });
  }

  return (
    <section>
      <form className="inline-form" onSubmit={submit}>
        <input type="email" placeholder="colleague@example.com" value={email} onChange={(e) => setEmail(e.target.value)} aria-label="E-mail" required />
        <select value={role} onChange={(e) => setRole(e.target.value)} aria-label="Role">
          {ROLES.map((r) => <option key={r}>{r}</option>)}
        </select>
        <button type="submit" className="primary">Invite</button>
      </form>
      {invite ? (
        <div className="notice" role="status">
          Send this invitation token to the person (shown once); they set a password with it: <code className="secret">{invite}</code>
        </div>
      ) : null}
      {error ? <ErrorBanner error={error} /> : null}
      <AsyncView state={users} what="users">
        {(list) => (
          <table className="table">
            <thead>
              <tr><th>Person</th><th>Role</th><th>Status</th><th>Last login</th><th /></tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <tr key={u.id}>
                  <td>{u.name ? `${u.name} · ` : ''}{u.email}</td>
                  <td>
                    <select value={u.role} aria-label={`Role of ${u.email}`} onChange={(e) => void act(() => api.patch(`/users/${seg(u.id)}`, { role: e.target.value }))}>
                      {ROLES.map((r) => <option key={r}>{r}</option>)}
                    </select>
                  </td>
                  <td>{u.status}</td>
                  <td>{formatTime(u.lastLoginAt)}</td>
                  <td>
                    <button type="button" onClick={() => void act(() => api.patch(`/users/${seg(u.id)}`, { status: u.status === 'disabled' ? 'active' : 'disabled' }))}>
                      {u.status === 'disabled' ? 'Enable' : 'Disable'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncView>
    </section>
  );
}
