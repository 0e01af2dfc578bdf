import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { TEST_DATABASE_URL, uniqueSuffix } from './support/env.js';
import { client } from './support/http.js';
import { startApp, type TestApp } from './support/start-app.js';
import { createTenant } from './support/tenants.js';

const COUNTER = readFileSync(new URL('./flows/counter.yaml', import.meta.url), 'utf8');
const MESSAGES = 200;

let instances: TestApp[] = [];
beforeAll(async () => {
  // Two instances, as behind a load balancer: one PostgreSQL, one Redis (same key prefix).
  const env = { REDIS_KEY_PREFIX: `mcp-test-${uniqueSuffix()}:` };
  instances = [await startApp({ env }), await startApp({ env })];
});
afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
});

describe('server mode: two instances sharing PostgreSQL and Redis', () => {
  it(`processes ${MESSAGES} concurrent messages to one conversation exactly once each`, async () => {
    const [one, two] = instances as [TestApp, TestApp];
    const tenant = await createTenant(one.app);
    const apiOne = client(one.url, tenant.apiKey);
    const apiTwo = client(two.url, tenant.apiKey);
    const flow = await apiOne.post<{ id: string }>('/v1/flows', COUNTER);
    await apiOne.post(`/v1/flows/${flow.body.id}/publish`);
    await apiOne.post(`/v1/flows/${flow.body.id}/default`);

    const results = await Promise.all(
      Array.from({ length: MESSAGES }, (_, i) => (i % 2 === 0 ? apiOne : apiTwo).post('/v1/conversations/busy/messages', { text: `m${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(MESSAGES).fill(200));

    const state = await apiTwo.get('/v1/conversations/busy');
    expect(state.body).toMatchObject({ turn: MESSAGES, vars: { count: MESSAGES }, state: 'listen' });

    const stored = await apiOne.get<{ messages: { text: string; direction: string }[] }>('/v1/conversations/busy/messages?limit=500');
    const inbound = stored.body.messages.filter((m) => m.direction === 'inbound').map((m) => m.text);
    expect(inbound).toHaveLength(MESSAGES);
    expect(new Set(inbound).size).toBe(MESSAGES);

    // Each turn ran once on the context the previous one saved: the traces' turn numbers are exactly 1..200.
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query<{ turn: number }>('SELECT turn FROM turn_traces WHERE tenant_id = $1 ORDER BY turn', [tenant.id]);
      expect(rows.map((r) => r.turn)).toEqual(Array.from({ length: MESSAGES }, (_, i) => i + 1));
    } finally {
      await db.end();
    }
  });
});
