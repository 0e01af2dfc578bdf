import { type FormEvent, useState } from 'react';
import { api, errorMessage } from './api/client';
import { ErrorBanner } from './ui/async';

export function LoginPage() {
  const [workspace, setWorkspace] = useState(() => localStorage.getItem('mcp-console.workspace') ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.login({ workspace: workspace.trim(), email: email.trim(), password });
      // Only the workspace name is remembered, as a convenience; never a credential.
      localStorage.setItem('mcp-console.workspace', workspace.trim());
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form onSubmit={submit} aria-label="Log in">
        <h1>MCP Engine</h1>
        <p className="muted">Log in to your workspace's console.</p>
        <label>
          Workspace
          <input name="workspace" value={workspace} onChange={(e) => setWorkspace(e.target.value)} required autoComplete="organization" placeholder="demo" />
        </label>
        <label>
          E-mail
          <input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" />
        </label>
        <label>
          Password
          <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
        </label>
        {error ? <ErrorBanner error={error} /> : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
