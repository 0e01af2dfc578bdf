import { Link } from '../ui/router';
import { ApiKeysSettings } from './api-keys';
import { AuditLog } from './audit-log';
import { ChannelsSettings } from './channels';
import { IntegrationsSettings } from './integrations';
import { ModelsSettings } from './models';
import { UsersSettings } from './users';

const tabs = [
  { id: 'integrations', label: 'Integrations', permission: 'integrations:read' },
  { id: 'channels', label: 'Channels', permission: 'channels:read' },
  { id: 'models', label: 'Models', permission: 'models:read' },
  { id: 'api-keys', label: 'API keys', permission: 'api_keys:read' },
  { id: 'users', label: 'Users and roles', permission: 'users:read' },
  { id: 'audit', label: 'Audit log', permission: 'audit:read' },
] as const;

function Tab({ id, permissions }: { id: string; permissions: string[] }) {
  switch (id) {
    case 'integrations':
      return <IntegrationsSettings />;
    case 'channels':
      return <ChannelsSettings permissions={permissions} />;
    case 'models':
      return <ModelsSettings permissions={permissions} />;
    case 'api-keys':
      return <ApiKeysSettings permissions={permissions} />;
    case 'users':
      return <UsersSettings />;
    case 'audit':
      return <AuditLog />;
    default:
      return <div className="empty">No such settings page.</div>;
  }
}

export function SettingsPage({ tab, permissions }: { tab: string; permissions: string[] }) {
  const visible = tabs.filter((t) => permissions.includes(t.permission));
  return (
    <div>
      <header className="page-header">
        <h1>Settings</h1>
      </header>
      <nav className="tabs" aria-label="Settings">
        {visible.map((t) => (
          <Link key={t.id} to={`/settings/${t.id}`} className={tab === t.id ? 'active' : ''}>
            {t.label}
          </Link>
        ))}
      </nav>
      <Tab id={tab} permissions={permissions} />
    </div>
  );
}
