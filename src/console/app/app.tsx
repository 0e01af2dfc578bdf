import { lazy, Suspense, useEffect } from 'react';
import { api } from './api/client';
import type { Me } from './api/types';
import { AnalyticsPage } from './analytics/analytics-page';
import { ConversationsPage } from './conversations/conversations-page';
import { FlowListPage } from './flows/flow-list-page';
import { InboxPage } from './inbox/inbox-page';
import { KnowledgePage } from './knowledge/knowledge-page';
import { NluListPage } from './nlu/nlu-list-page';
import { NluReviewPage } from './nlu/nlu-review-page';
import { useSession } from './session';
import { SettingsPage } from './settings/settings-page';
import { AsyncView, Loading, useAsync } from './ui/async';
import { Link, navigate, useLocation } from './ui/router';

// The editor brings CodeMirror and the YAML parser, most of the bundle: loaded when a flow is opened.
const FlowEditorPage = lazy(() => import('./flows/flow-editor-page').then((m) => ({ default: m.FlowEditorPage })));

const sections = [
  { path: '/flows', label: 'Flows', permission: 'flows:read' },
  { path: '/conversations', label: 'Conversations', permission: 'conversations:read' },
  { path: '/inbox', label: 'Agent inbox', permission: 'handoff:reply' },
  { path: '/analytics', label: 'Analytics', permission: 'analytics:read' },
  { path: '/nlu', label: 'NLU data', permission: 'flows:read' },
  { path: '/knowledge', label: 'Knowledge', permission: 'knowledge:read' },
  // Every role with a settings tab (editors: integrations, channels, models) can read integrations.
  { path: '/settings', label: 'Settings', permission: 'integrations:read' },
] as const;

function Page({ path, me }: { path: string; me: Me }) {
  const [, section, id] = path.split('/').map(decodeURIComponent);
  switch (section) {
    case 'flows':
      return id ? (
        <Suspense fallback={<Loading what="the editor" />}>
          <FlowEditorPage flowId={id} permissions={me.permissions} />
        </Suspense>
      ) : (
        <FlowListPage permissions={me.permissions} />
      );
    case 'conversations':
      return <ConversationsPage selected={id ?? null} permissions={me.permissions} />;
    case 'inbox':
      return <InboxPage selected={id ?? null} />;
    case 'nlu':
      return id ? <NluReviewPage name={id} permissions={me.permissions} /> : <NluListPage permissions={me.permissions} />;
    case 'knowledge':
      return <KnowledgePage permissions={me.permissions} />;
    case 'analytics':
      return <AnalyticsPage />;
    case 'settings':
      return <SettingsPage tab={id ?? 'integrations'} permissions={me.permissions} />;
    default:
      return <Redirect to={sections.find((s) => me.permissions.includes(s.permission))?.path ?? '/flows'} />;
  }
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to), [to]);
  return null;
}

export function App() {
  const session = useSession();
  const { path } = useLocation();
  const me = useAsync(() => api.get<Me>('/auth/me'), [session.user.id]);
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">MCP Engine</div>
        {me.status === 'ready'
          ? sections
              .filter((s) => me.data.permissions.includes(s.permission))
              .map((s) => (
                <Link key={s.path} to={s.path} className={path.startsWith(s.path) ? 'active' : ''}>
                  {s.label}
                </Link>
              ))
          : null}
        <div className="who">
          <div title={session.user.email}>{session.user.name ?? session.user.email}</div>
          <div className="muted">{session.user.role}</div>
          <button type="button" onClick={() => void api.logout()}>
            Log out
          </button>
        </div>
      </nav>
      <main className="content">
        <AsyncView state={me} what="your permissions">
          {(data) => <Page path={path} me={data} />}
        </AsyncView>
      </main>
    </div>
  );
}
