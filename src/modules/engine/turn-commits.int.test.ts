import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../../test/support/env.js';
import { silentLogger } from '../../shared/logger.js';
import { createStorage, type Sql, type Storage, withLocalSettings } from '../storage/index.js';
import { BATCH_SETTINGS, createContextStore, saveAllStatement } from './context-store.js';
import { stagedRows, type TurnRowWriter } from './contract.js';
import { endedSnapshot } from './flow/index.js';
import { engineMigrations } from './migrations.js';
import { createTurnCommits, type TurnWrite } from './turn-commits.js';

let storage: Storage;

beforeAll(async () => {
  // The run's database, migrated by the global setup; an in-memory cache.
  storage = await createStorage({ databaseUrl: TEST_DATABASE_URL, dataDir: 'data-test', redisKeyPrefix: 'unused:', lockTtlMs: 1000, lockWaitMs: 1000 }, { logger: silentLogger() });
});
afterAll(() => storage.close());

const write = (conversationId: string, staged: TurnWrite['staged']): TurnWrite => ({
  save: {
    conversationId,
    record: {
      flowId: 'flow_x',
      flowVersion: 1,
      snapshot: { ...endedSnapshot(), state: 'start', status: 'waiting', turn: 1 },
      version: 0,
      updatedAt: new Date().toISOString(),
      recentMessageIds: [],
    },
  },
  trace: { turnId: randomUUID(), turn: 1, flowId: 'flow_x', flowVersion: 1, trace: [], messageId: null, result: { turnId: 'x' } },
  staged,
});

describe('group commits', () => {
  it('commits the turns that finish together, and one failing turn fails alone', async () => {
    const tenantId = randomUUID();
    const contexts = createContextStore({ sql: storage.sql, kv: storage.kv, logger: silentLogger() });
    const commits = createTurnCommits({ sql: storage.sql, contexts });
    const calls: string[][] = [];
    const writer: TurnRowWriter<string> = async (_tx, _tenantId, rows) => {
      calls.push([...rows]);
      if (rows.includes('bad')) throw new Error('this row is refused');
    };
    const outcomes = await Promise.allSettled(
      ['a', 'b', 'bad', 'c', 'd'].map((name) => commits.commit(tenantId, write(`conv-${name}`, [stagedRows(writer, [name])]))),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ message: 'this row is refused' });
    // Turns that arrived while a batch committed shared a statement.
    expect(calls.some((rows) => rows.length > 1)).toBe(true);
    const stored = await storage.sql.withTenant(tenantId, (tx) =>
      tx.query<{ conversation_id: string }>('SELECT conversation_id FROM conversation_contexts WHERE tenant_id = $1 ORDER BY 1', [tenantId]),
    );
    expect(stored.map((r) => r.conversation_id)).toEqual(['conv-a', 'conv-b', 'conv-c', 'conv-d']);
    const traces = await storage.sql.withTenant(tenantId, (tx) => tx.query('SELECT 1 FROM turn_traces WHERE tenant_id = $1', [tenantId]));
    expect(traces).toHaveLength(4);
  });

  it("stores every module's rows of a batch with its contexts, each writer's statement once", async () => {
    const tenantId = randomUUID();
    const contexts = createContextStore({ sql: storage.sql, kv: storage.kv, logger: silentLogger() });
    const commits = createTurnCommits({ sql: storage.sql, contexts });
    const conversations: TurnRowWriter<string> = async (tx, tenantId, rows) => {
      await tx.query(`INSERT INTO conversations (tenant_id, id, doc, created_at, updated_at) SELECT $1, x, '{}'::jsonb, now(), now() FROM unnest($2::text[]) AS x`, [tenantId, rows]);
    };
    const messages: TurnRowWriter<string> = async (tx, tenantId, rows) => {
      await tx.query(`INSERT INTO messages (id, tenant_id, conversation_id, doc) SELECT gen_random_uuid(), $2, x, jsonb_build_object('text', $1::text || x) FROM unnest($3::text[]) AS x`, ['hello ', tenantId, rows]);
    };
    const names = ['a', 'b', 'c', 'd', 'e'];
    const saved = await Promise.all(names.map((n) => commits.commit(tenantId, write(`conv-${n}`, [stagedRows(conversations, [n]), stagedRows(messages, [n])]))));
    expect(saved).toEqual(names.map(() => true));
    const stored = await storage.sql.withTenant(tenantId, async (tx) => ({
      conversations: (await tx.query<{ id: string }>('SELECT id FROM conversations WHERE tenant_id = $1 ORDER BY id', [tenantId])).map((r) => r.id),
      messages: (await tx.query<{ text: string }>("SELECT doc->>'text' AS text FROM messages WHERE tenant_id = $1 ORDER BY 1", [tenantId])).map((r) => r.text),
      traces: (await tx.query('SELECT 1 FROM turn_traces WHERE tenant_id = $1', [tenantId])).length,
    }));
    expect(stored).toEqual({ conversations: names, messages: names.map((n) => `hello ${n}`), traces: names.length });
  });

  it('does not save a context someone saved first, nor its trace or rows', async () => {
    const tenantId = randomUUID();
    const contexts = createContextStore({ sql: storage.sql, kv: storage.kv, logger: silentLogger() });
    const commits = createTurnCommits({ sql: storage.sql, contexts });
    // A writer as chat's are: one statement, its result unread (so it may ride in the contexts' statement).
    const writer: TurnRowWriter<string> = async (tx, tenantId, rows) => {
      await tx.query(`INSERT INTO conversations (tenant_id, id, doc, created_at, updated_at) SELECT $1, x, '{}'::jsonb, now(), now() FROM unnest($2::text[]) AS x`, [tenantId, rows]);
    };
    expect(await commits.commit(tenantId, write('conv-1', [stagedRows(writer, ['first'])]))).toBe(true);
    // Loaded at version 0 as well, so it is stale now.
    expect(await commits.commit(tenantId, write('conv-1', [stagedRows(writer, ['stale'])]))).toBe(false);
    const written = await storage.sql.withTenant(tenantId, (tx) => tx.query<{ id: string }>('SELECT id FROM conversations WHERE tenant_id = $1', [tenantId]));
    expect(written.map((r) => r.id)).toEqual(['first']);
    const traces = await storage.sql.withTenant(tenantId, (tx) => tx.query('SELECT 1 FROM turn_traces WHERE tenant_id = $1', [tenantId]));
    expect(traces).toHaveLength(1);
  });
});

/** Embedded storage (PGlite, a fresh data directory) with the engine's tables, removed after `run`. */
async function withEmbeddedStorage(run: (embedded: Storage) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mcp-engine-turn-commits-'));
  const embedded = await createStorage({ dataDir, redisKeyPrefix: 'unused:', lockTtlMs: 1000, lockWaitMs: 1000 }, { logger: silentLogger() });
  try {
    await embedded.migrate([engineMigrations]);
    await run(embedded);
  } finally {
    await embedded.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe('the batch statement\'s plan', () => {
  /** The plan every batch runs with, once the database settles on a generic plan for the prepared text. */
  async function batchPlan(sql: Storage['sql'], tenantId: string): Promise<string> {
    const turn = write('conv-7', []);
    const { text, params } = saveAllStatement(tenantId, [{ ...turn, save: { ...turn.save, record: { ...turn.save.record, version: 1 } } }], []);
    return sql.transaction(async (tx) => {
      await tx.query('SET LOCAL plan_cache_mode = force_generic_plan');
      const rows = await withLocalSettings(tx, BATCH_SETTINGS, async () => {
        await tx.query(`PREPARE batch_plan AS ${text}`);
        return tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE batch_plan('${tenantId}', $json$${String(params[1])}$json$, ${String(params[2])})`);
      });
      await tx.query('DEALLOCATE batch_plan');
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
  }
  const contextsOf = (sql: Storage['sql'], tenantId: string, count: number) =>
    sql.query(
      `INSERT INTO conversation_contexts (tenant_id, conversation_id, flow_id, flow_version, context, version, updated_at, recent_message_ids)
         SELECT $1, 'conv-' || n, 'flow_x', 1, '{}', 1, now(), '[]' FROM generate_series(1, $2::integer) AS n`,
      [tenantId, count],
    );
  // The batch's ids, from an InitPlan: `$2` in PostgreSQL 15's words, `(InitPlan 3).col1` in 18's (PGlite).
  const BY_KEY = /Index Cond: \(\(tenant_id = \$1\) AND \(conversation_id = ANY \((\$\d+|\(InitPlan \d+\)\.col1)\)\)\)/;

  it("finds a batch's contexts by key, not by reading all of the tenant's (its cost does not grow with the tenant)", async () => {
    const tenantId = randomUUID();
    await contextsOf(storage.sql, tenantId, 3000);
    await storage.sql.query('ANALYZE conversation_contexts');
    const plan = await batchPlan(storage.sql, tenantId);
    expect(plan).not.toMatch(/Seq Scan on conversation_contexts/);
    expect(plan).toMatch(BY_KEY);
    // The batch's rows are hashed once, not read again for each context (n² for a batch of n).
    expect(plan).not.toMatch(/Nested Loop/);
    expect(plan).toMatch(/Hash Cond: .*conversation_id = x/);
  });

  it('finds them by key on an embedded database whose statistics are not there yet', async () => {
    await withEmbeddedStorage(async (embedded) => {
      const tenantId = randomUUID();
      await embedded.sql.query(`INSERT INTO flows (id, tenant_id, name, source, definition) VALUES ('flow_x', $1, 'x', '', '{}')`, [tenantId]);
      // Analyzed empty by the migration's maintenance; 2,000 rows later its statistics still say empty.
      await contextsOf(embedded.sql, tenantId, 2000);
      const plan = await batchPlan(embedded.sql, tenantId);
      expect(plan).not.toMatch(/Seq Scan on conversation_contexts/);
      expect(plan).toMatch(BY_KEY);
      expect(plan).not.toMatch(/Nested Loop/);
      expect(plan).toMatch(/Hash Cond: .*conversation_id = x/);
    });
  });
});

describe('batches of one tenant in flight', () => {
  /** The most batch statements of one tenant that were sent and not yet answered at once, over `turns` turns finishing together. */
  async function mostInFlight(sql: Sql, turns = 30): Promise<number> {
    let now = 0;
    let most = 0;
    // The real database underneath; only the moments a batch is sent and answered are counted.
    const counting: Sql = {
      ...sql,
      queryAsTenant: async (tenantId, text, params, settings) => {
        most = Math.max(most, (now += 1));
        try {
          return await sql.queryAsTenant(tenantId, text, params, settings);
        } finally {
          now -= 1;
        }
      },
    };
    const contexts = createContextStore({ sql: counting, kv: storage.kv, logger: silentLogger() });
    const commits = createTurnCommits({ sql: counting, contexts });
    const tenantId = randomUUID();
    const saved = await Promise.all(Array.from({ length: turns }, (_, i) => commits.commit(tenantId, write(`conv-${i}`, []))));
    expect(saved.every(Boolean)).toBe(true);
    return most;
  }

  it('is one on PostgreSQL: a second would split the turns gathering into two statements', async () => {
    expect(await mostInFlight(storage.sql)).toBe(1);
  });

  it('is two on PGlite: its thread runs the second as soon as the first is done, instead of waiting for the next', async () => {
    await withEmbeddedStorage(async (embedded) => {
      expect(await mostInFlight(embedded.sql)).toBe(2);
    });
  });

  it('on PGlite, the second waits for six turns: a smaller batch costs its thread more than it saves', async () => {
    await withEmbeddedStorage(async (embedded) => {
      // The first turn goes at once; the four behind it wait for it, then go together.
      expect(await mostInFlight(embedded.sql, 5)).toBe(1);
      expect(await mostInFlight(embedded.sql, 7)).toBe(2);
    });
  });
});

describe('context reads', () => {
  /** Loads `ids` of `tenantId` at once through a context store over `sql`, counting the read statements it sent. */
  async function loadTogether(sql: Sql, tenantId: string, ids: string[]) {
    let statements = 0;
    const counting: Sql = {
      ...sql,
      queryAsTenant: (tenant, text, params, settings) => {
        statements += 1;
        return sql.queryAsTenant(tenant, text, params, settings);
      },
    };
    const contexts = createContextStore({ sql: counting, kv: storage.kv, logger: silentLogger() });
    const records = await Promise.all(ids.map((id) => contexts.loadFromDb(tenantId, id)));
    return { records, statements };
  }

  async function readsTogether(sql: Sql): Promise<void> {
    const [a, b] = [randomUUID(), randomUUID()];
    const contexts = createContextStore({ sql, kv: storage.kv, logger: silentLogger() });
    const commits = createTurnCommits({ sql, contexts });
    expect(await Promise.all(['conv-1', 'conv-2', 'conv-3'].map((id) => commits.commit(a, write(id, []))))).toEqual([true, true, true]);
    expect(await commits.commit(b, write('conv-b', []))).toBe(true);
    // 40 conversations' first turns at once, most of them new: a statement for the first, one for all that arrived meanwhile.
    const ids = [...Array.from({ length: 37 }, (_, i) => `new-${i}`), 'conv-1', 'conv-2', 'conv-3', 'conv-b'];
    const { records, statements } = await loadTogether(sql, a, ids);
    expect(statements).toBe(2);
    expect(records.map((record) => record?.version ?? null)).toEqual([...ids.slice(0, 37).map(() => null), 1, 1, 1, null]);
    // Another tenant's conversation is not found, whichever group it is read with.
    const theirs = await loadTogether(sql, b, ['conv-1', 'conv-b']);
    expect(theirs.records.map((record) => record?.version ?? null)).toEqual([null, 1]);
    // Ids travel as one array: those an array's text must quote are found all the same.
    const odd = ['a,b', 'say "hi"', 'back\\slash', '{braces}', 'with space', '$mcp$tag', 'NULL'];
    expect(await Promise.all(odd.map((id) => commits.commit(a, write(id, []))))).toEqual(odd.map(() => true));
    expect((await loadTogether(sql, a, [...odd, 'missing'])).records.map((record) => record?.version ?? null)).toEqual([...odd.map(() => 1), null]);
  }

  it('go together, those of one tenant that arrive while one is read, on PostgreSQL', () => readsTogether(storage.sql));

  it('go together on PGlite', async () => {
    await withEmbeddedStorage((embedded) => readsTogether(embedded.sql));
  });
});
