import { type FormEvent, useEffect, useState } from 'react';
import { api, errorMessage } from './api/client';
import { ErrorBanner } from './ui/async';

export function LoginPage() {
  const [workspace, setWorkspace] = useState(() => localStorage.getItem('mcp-console.workspace') ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(() => api.ssoProblem());
  const [busy, setBusy] = useState(false);
  const [sso, setSso] = useState(false);

  useEffect(() => {
    // Without an answer the page still offers the password login, which always works.
    api.loginMethods().then((methods) => setSso(methods.sso), () => setSso(false));
  }, []);

  function signInWithSso() {
    const slug = workspace.trim();
    if (!slug) {
      setError('Enter your workspace first, then sign in with SSO.');
      return;
    }
    localStorage.setItem('mcp-console.workspace', slug);
    setBusy(true);
    window.location.assign(api.ssoLoginUrl(slug));
  }

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
        {sso ? (
          <>
            <p className="muted login-or">or</p>
            <button type="button" onClick={signInWithSso} disabled={busy}>
              Sign in with SSO
            </button>
          </>
        ) : null}
      </form>
    </main>
  );
}
