import type { App } from '../../src/app.js';
import { uniqueSuffix } from './env.js';

export interface TestTenant {
  id: string;
  slug: string;
  apiKey: string;
  widgetKey: string;
}

/** A fresh tenant with an API key, so that no test depends on another's data. */
export async function createTenant(app: App, label = 't'): Promise<TestTenant> {
  const tenant = await app.security.createTenant({ slug: `${label}-${uniqueSuffix()}`, name: `Test ${label}` });
  const { secret } = await app.security.createApiKey(tenant.id, { name: 'test' });
  return { id: tenant.id, slug: tenant.slug, apiKey: secret, widgetKey: tenant.widgetKey };
}

export async function twoTenants(app: App): Promise<[TestTenant, TestTenant]> {
  return [await createTenant(app, 'a'), await createTenant(app, 'b')];
}
