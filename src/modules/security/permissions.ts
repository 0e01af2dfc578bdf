/**
 * The one permission table. Every route declares the permission it needs (gateway enforces it in
 * one hook); roles are fixed bundles of permissions; API keys may carry a subset.
 */
export const PERMISSIONS = [
  'flows:read',
  'flows:write',
  'flows:publish',
  // Trying a flow or running its conversation tests calls its real integrations (with their
  // secrets) and bills model calls, so reading flows is not enough (`flows:write` also allows it).
  'flows:run',
  'conversations:read',
  'conversations:write',
  'conversations:reset',
  'handoff:reply',
  'integrations:read',
  'integrations:write',
  'knowledge:read',
  'knowledge:write',
  'channels:read',
  'channels:write',
  'models:read',
  'models:write',
  'analytics:read',
  'analytics:write',
  'users:read',
  'users:write',
  'api_keys:read',
  'api_keys:write',
  'audit:read',
  'tenant:admin',
  // Not part of any role: only the platform administrator's credential carries it.
  'platform:admin',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['owner', 'admin', 'editor', 'analyst', 'agent'] as const;
export type Role = (typeof ROLES)[number];

const all = (...except: Permission[]): Permission[] => PERMISSIONS.filter((p) => !except.includes(p));

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: all('platform:admin'),
  admin: all('platform:admin', 'tenant:admin'),
  editor: [
    'flows:read',
    'flows:write',
    'flows:publish',
    'flows:run',
    'conversations:read',
    'conversations:write',
    'conversations:reset',
    'integrations:read',
    'integrations:write',
    'knowledge:read',
    'knowledge:write',
    'channels:read',
    'models:read',
    'analytics:read',
  ],
  analyst: ['flows:read', 'conversations:read', 'analytics:read', 'knowledge:read'],
  agent: ['conversations:read', 'conversations:write', 'conversations:reset', 'handoff:reply'],
};
