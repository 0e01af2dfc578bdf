import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { api } from './api/client';
import type { Session } from './api/types';
import { Loading } from './ui/async';

const SessionContext = createContext<Session | null>(null);

/** The logged-in person; only rendered inside <SessionGate>, so it is never null there. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a logged-in view');
  return session;
}

/** Shows the login page until there is a session, resuming the tab's session after a reload. */
export function SessionGate(props: { login: ReactNode; children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(api.session());
  const [resuming, setResuming] = useState(true);
  useEffect(() => {
    const off = api.onSession(setSession);
    void api.resume().finally(() => setResuming(false));
    return off;
  }, []);
  if (!session && resuming) return <Loading what="your session" />;
  if (!session) return <>{props.login}</>;
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}
