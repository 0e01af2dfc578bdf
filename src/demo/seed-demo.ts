import { readFileSync } from 'node:fs';
import type { FlowAuthoring } from '../modules/engine/index.js';
import { isAppError } from '../shared/app-error.js';
import type { Security, Tenant } from '../modules/security/index.js';

export const DEMO_SLUG = 'demo';
const DEMO_FLOW = readFileSync(new URL('./order-support.yaml', import.meta.url), 'utf8');

export const DEMO_OWNER_EMAIL = 'admin@demo.local';

export interface DemoSeed {
  tenant: Tenant;
  /** Set only when a key was created by this start, so that it is printed once. */
  newApiKey: string | null;
  /** The console login of the demo owner, set only on the start that created it. */
  newOwnerPassword: string | null;
  created: boolean;
}

/**
 * First start on an empty database: a demo workspace with an admin API key and the order-support
 * flow published as its default. Later starts leave it as it is (only adding the bootstrap key if
 * it is set and not yet known).
 */
export async function seedDemo(deps: {
  security: Security;
  flows: FlowAuthoring;
  bootstrapApiKey: string | undefined;
  ownerPassword: () => string;
}): Promise<DemoSeed> {
  const { security, flows, bootstrapApiKey } = deps;
  const existing = await security.getTenantBySlug(DEMO_SLUG);
  if (existing) {
    if (bootstrapApiKey && !(await security.authenticate(bootstrapApiKey))) {
      await security.createApiKey(existing.id, { name: 'bootstrap', secret: bootstrapApiKey });
      return { tenant: existing, newApiKey: bootstrapApiKey, newOwnerPassword: null, created: false };
    }
    return { tenant: existing, newApiKey: null, newOwnerPassword: null, created: false };
  }
  const tenant = await security.createTenant({ slug: DEMO_SLUG, name: 'Demo workspace' }).catch(async (error: unknown) => {
    // Another instance seeded it at the same moment: theirs stands.
    if (isAppError(error) && error.code === 'conflict') return null;
    throw error;
  });
  if (!tenant) return seedDemo(deps);
  const { secret } = await security.createApiKey(tenant.id, { name: 'admin', secret: bootstrapApiKey });
  const password = deps.ownerPassword();
  await security.createUser(tenant.id, { email: DEMO_OWNER_EMAIL, password, role: 'owner', name: 'Demo owner' });
  const flow = await flows.createFlow(tenant.id, DEMO_FLOW);
  await flows.publishFlow(tenant.id, flow.id);
  await flows.setDefaultFlow(tenant.id, flow.id);
  return { tenant, newApiKey: secret, newOwnerPassword: password, created: true };
}
