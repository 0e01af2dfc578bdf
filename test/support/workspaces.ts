import { expect } from 'vitest';
import { uniqueSuffix } from './env.js';
import { client } from './http.js';

export type Session = { accessToken: string; refreshToken: string; expiresIn: number; user: { id: string; role: string; email: string } };
export type Client = ReturnType<typeof client>;

export const OWNER_PASSWORD = 'correct horse battery';
export const MEMBER_PASSWORD = 'violet kettle drums 42';

export interface Workspace {
  tenantId: string;
  slug: string;
  owner: Session;
  api: Client;
}

/** A workspace made the way an operator makes one: through the platform API, with its first owner logged in. */
export async function newWorkspace(baseUrl: string, platformKey: string): Promise<Workspace> {
  const slug = `ws-${uniqueSuffix()}`;
  const created = await client(baseUrl, platformKey).post<{ tenant: { id: string } }>('/v1/tenants', {
    slug,
    name: 'Workspace',
    owner: { email: 'owner@example.com', password: OWNER_PASSWORD },
  });
  expect(created.status).toBe(201);
  const login = await client(baseUrl).post<Session>('/v1/auth/login', { workspace: slug, email: 'owner@example.com', password: OWNER_PASSWORD });
  expect(login.status).toBe(200);
  return { tenantId: created.body.tenant.id, slug, owner: login.body, api: client(baseUrl, login.body.accessToken) };
}

/** A person invited by `inviter` with `role`, who accepted and is logged in. */
export async function addMember(baseUrl: string, inviter: Client, role: string, email = `${role}-${uniqueSuffix()}@example.com`) {
  const invite = await inviter.post<{ inviteToken: string; user: { id: string } }>('/v1/users', { email, role });
  expect(invite.status).toBe(201);
  const accepted = await client(baseUrl).post<Session>('/v1/auth/accept-invite', { token: invite.body.inviteToken, password: MEMBER_PASSWORD });
  expect(accepted.status).toBe(200);
  return { id: invite.body.user.id, email, session: accepted.body, api: client(baseUrl, accepted.body.accessToken) };
}

export type AuditEntry = { action: string; actorId: string | null; actorType: string; target?: string; details: Record<string, unknown> };

export async function auditOf(api: Client, action: string): Promise<AuditEntry[]> {
  const res = await api.get<{ entries: AuditEntry[] }>(`/v1/audit?action=${encodeURIComponent(action)}`);
  expect(res.status).toBe(200);
  return res.body.entries;
}
