import { readFileSync } from 'node:fs';
import { ensureConsoleBuilt } from '../../../src/console/ensure-built.js';
import { client } from '../../support/http.js';
import { startApp, type TestApp } from '../../support/start-app.js';
import { createTenant, type TestTenant } from '../../support/tenants.js';

export interface ConsoleFixture {
  server: TestApp;
  tenant: TestTenant;
  owner: { email: string; password: string };
  api: ReturnType<typeof client>;
  flowId: string;
}

export const DEMO_FLOW = readFileSync(new URL('../../../src/demo/order-support.yaml', import.meta.url), 'utf8');

/**
 * A running engine (PostgreSQL + Redis) with a fresh workspace, its owner's login and the demo
 * order-support flow as an unpublished draft; the console is built first if it is missing or stale.
 */
export async function startConsoleFixture(): Promise<ConsoleFixture> {
  await ensureConsoleBuilt(() => undefined);
  const server = await startApp();
  const tenant = await createTenant(server.app, 'console');
  const owner = { email: `owner-${tenant.slug}@example.com`, password: 'correct horse battery' };
  await server.app.security.createUser(tenant.id, { email: owner.email, password: owner.password, role: 'owner', name: 'Olive Owner' });
  const api = client(server.url, tenant.apiKey);
  const created = await api.post<{ id: string }>('/v1/flows', DEMO_FLOW);
  if (created.status !== 201) throw new Error(`could not create the demo flow: ${JSON.stringify(created.body)}`);
  return { server, tenant, owner, api, flowId: created.body.id };
}
