import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storageMigrations } from './migrations.js';
import { tenantIsolationSql, withLocalSettings } from './tenant-scope.js';
import type { Sql } from './contract.js';
import { checksumOf, migrate } from './migrator.js';
import { isUniqueViolation } from './sql-types.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface SqlFixture {
  sql: Sql;
  /** A second, independent connection to the same database (another process, for PostgreSQL). */
  second: () => Promise<Sql>;
  dispose: () => Promise<void>;
}

/** The behaviour both SQL backends must share; run against each by sql.int.test.ts. */
export function sqlContract(name: string, create: () => Promise<SqlFixture>): void {
  describe(`Sql contract: ${name}`, () => {
    let fixture: SqlFixture;
    let sql: Sql;
    let suffix: string;
    const tables: string[] = [];
    const table = (base: string) => {
      const named = `${base}_${suffix}`;
      tables.push(named);
      return named;
    };

    // One database per suite (PGlite takes seconds to initialise); tests stay independent
    // through their own random table and module names, dropped after each test.
    beforeAll(async () => {
      fixture = await create();
      sql = fixture.sql;
    });
    afterAll(async () => {
      await fixture.dispose();
    });
    beforeEach(() => {
      suffix = randomBytes(6).toString('hex');
    });
    afterEach(async () => {
      for (const named of tables.splice(0)) await sql.query(`DROP TABLE IF EXISTS ${named}`);
      await sql.query(`DELETE FROM schema_migrations WHERE module LIKE $1`, [`%_${suffix}`]).catch(() => undefined);
    });

    it('runs parameterised statements and returns plain rows', async () => {
      const t = table('items');
      await sql.query(`CREATE TABLE ${t} (id text PRIMARY KEY, qty integer NOT NULL, price numeric, ok boolean)`);
      const inserted = await sql.query(`INSERT INTO ${t} VALUES ($1, $2, $3, $4), ($5, $6, $7, $8) RETURNING id`, ['a', 2, '1.50', true, 'b', 5, null, false]);
      expect(inserted).toEqual([{ id: 'a' }, { id: 'b' }]);
      const rows = await sql.query<{ id: string; qty: number; price: string | null; ok: boolean }>(`SELECT * FROM ${t} WHERE qty > $1`, [1]);
      expect(rows).toEqual([{ id: 'a', qty: 2, price: '1.50', ok: true }, { id: 'b', qty: 5, price: null, ok: false }]);
      const [count] = await sql.query(`SELECT count(*) AS n, sum(qty)::bigint AS total FROM ${t}`);
      expect(count).toEqual({ n: 2, total: 7 });
    });

    it('round-trips JSONB as objects', async () => {
      const t = table('docs');
      await sql.query(`CREATE TABLE ${t} (id integer PRIMARY KEY, doc jsonb NOT NULL)`);
      const doc = { a: 1, text: 'héllo "quoted"', nested: { list: [1, 'x', null, { deep: true }] } };
      await sql.query(`INSERT INTO ${t} VALUES (1, $1::jsonb), (2, $2)`, [JSON.stringify(doc), doc]);
      const rows = await sql.query<{ doc: unknown }>(`SELECT doc FROM ${t} ORDER BY id`);
      expect(rows).toEqual([{ doc }, { doc }]);
      const [picked] = await sql.query(`SELECT doc->'nested'->'list' AS list FROM ${t} WHERE doc @> $1::jsonb`, [JSON.stringify({ a: 1 })]);
      expect(picked).toEqual({ list: doc.nested.list });
    });

    it('returns timestamps as ISO strings and dates as YYYY-MM-DD', async () => {
      const t = table('times');
      await sql.query(`CREATE TABLE ${t} (id integer PRIMARY KEY, at timestamptz NOT NULL)`);
      await sql.query(`INSERT INTO ${t} VALUES (1, $1)`, ['2024-05-01T10:34:56.789Z']);
      const [row] = await sql.query(`SELECT at, now() AS now, '2024-05-01 12:34:56.789123+02'::timestamptz AS offset_at,
        '2024-05-01 08:00:00'::timestamp AS plain, '2024-05-01'::date AS day, 'infinity'::timestamptz AS forever FROM ${t}`);
      expect(row).toEqual({
        at: '2024-05-01T10:34:56.789Z',
        now: expect.stringMatching(ISO),
        offset_at: '2024-05-01T10:34:56.789Z',
        plain: '2024-05-01T08:00:00.000Z',
        day: '2024-05-01',
        forever: 'infinity',
      });
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      const t = table('tx');
      await sql.query(`CREATE TABLE ${t} (id integer PRIMARY KEY)`);
      const result = await sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${t} VALUES (1)`);
        return 'done';
      });
      expect(result).toBe('done');
      let escaped: { query: (text: string) => Promise<unknown> } | undefined;
      await expect(
        sql.transaction(async (tx) => {
          escaped = tx;
          await tx.query(`INSERT INTO ${t} VALUES (2)`);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await sql.query(`SELECT id FROM ${t}`)).toEqual([{ id: 1 }]);
      await expect(escaped?.query('SELECT 1')).rejects.toThrow(/transaction has ended/);
    });

    it('runs 50 concurrent read-modify-write transactions, beside plain queries, without a lost update', async () => {
      const t = table('counter');
      await sql.query(`CREATE TABLE ${t} (id integer PRIMARY KEY, n integer NOT NULL)`);
      await sql.query(`INSERT INTO ${t} VALUES (1, 0)`);
      const increments = Array.from({ length: 50 }, () =>
        sql.transaction(async (tx) => {
          const [row] = await tx.query<{ n: number }>(`SELECT n FROM ${t} WHERE id = 1 FOR UPDATE`);
          await new Promise((resolve) => setImmediate(resolve));
          await tx.query(`UPDATE ${t} SET n = $1 WHERE id = 1`, [(row?.n ?? 0) + 1]);
        }),
      );
      const reads = Array.from({ length: 50 }, () => sql.query(`SELECT n FROM ${t}`));
      await Promise.all([...increments, ...reads]);
      expect(await sql.query(`SELECT n FROM ${t}`)).toEqual([{ n: 50 }]);
    });

    it('migrates in module then id order, once, and not at all the second time', async () => {
      const [alpha, beta] = [`alpha_${suffix}`, `beta_${suffix}`];
      const t = table('migrated');
      const modules = [
        { module: alpha, migrations: [
          { id: '002_column', sql: `ALTER TABLE ${t} ADD COLUMN note text` },
          { id: '001_table', sql: `CREATE TABLE ${t} (id integer PRIMARY KEY); CREATE INDEX ${t}_idx ON ${t} (id)` },
        ] },
        { module: beta, migrations: [{ id: '001_row', sql: `INSERT INTO ${t} (id, note) VALUES (1, 'beta')` }] },
      ];
      expect(await migrate(sql, modules)).toEqual([`${alpha}/001_table`, `${alpha}/002_column`, `${beta}/001_row`]);
      expect(await migrate(sql, modules)).toEqual([]);
      expect(await sql.query(`SELECT id, note FROM ${t}`)).toEqual([{ id: 1, note: 'beta' }]);
      const [recorded] = await sql.query(`SELECT module, applied_at FROM schema_migrations WHERE id = $1`, [`${beta}/001_row`]);
      expect(recorded).toEqual({ module: beta, applied_at: expect.stringMatching(ISO) });
    });

    it('rolls back a failing migration and names it', async () => {
      const broken = `broken_${suffix}`;
      const t = table('half');
      const modules = [{ module: broken, migrations: [{ id: '001_bad', sql: `CREATE TABLE ${t} (id integer); SELECT * FROM no_such_table_${suffix}` }] }];
      await expect(migrate(sql, modules)).rejects.toThrow(`migration '${broken}/001_bad' failed`);
      expect(await sql.query(`SELECT to_regclass($1) AS found`, [t])).toEqual([{ found: null }]);
      expect(await sql.query(`SELECT id FROM schema_migrations WHERE module = $1`, [broken])).toEqual([]);
    });

    it('refuses to migrate when an applied migration was edited, naming its module and id, and applies nothing', async () => {
      const delta = `delta_${suffix}`;
      const t = table('frozen');
      const first = [{ module: delta, migrations: [{ id: '001_table', sql: `CREATE TABLE ${t} (id integer PRIMARY KEY)` }] }];
      expect(await migrate(sql, first)).toEqual([`${delta}/001_table`]);
      const [row] = await sql.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE id = $1', [`${delta}/001_table`]);
      expect(row?.checksum).toBe(checksumOf(`CREATE TABLE ${t} (id integer PRIMARY KEY)`));

      const edited = [{ module: delta, migrations: [
        { id: '001_table', sql: `CREATE TABLE ${t} (id bigint PRIMARY KEY)` },
        { id: '002_column', sql: `ALTER TABLE ${t} ADD COLUMN note text` },
      ] }];
      await expect(migrate(sql, edited)).rejects.toThrow(`migration '001_table' of module '${delta}' was edited after it was applied`);
      expect(await sql.query('SELECT id FROM schema_migrations WHERE module = $1 ORDER BY id', [delta])).toEqual([{ id: `${delta}/001_table` }]);
    });

    it('records the checksum of a migration applied before checksums existed, then holds it to it', async () => {
      const epsilon = `epsilon_${suffix}`;
      const t = table('older');
      const text = `CREATE TABLE ${t} (id integer PRIMARY KEY)`;
      const modules = [{ module: epsilon, migrations: [{ id: '001_table', sql: text }] }];
      await migrate(sql, modules);
      await sql.query('UPDATE schema_migrations SET checksum = NULL WHERE module = $1', [epsilon]);
      expect(await migrate(sql, modules)).toEqual([]);
      expect(await sql.query('SELECT checksum FROM schema_migrations WHERE module = $1', [epsilon])).toEqual([{ checksum: checksumOf(text) }]);
      await expect(migrate(sql, [{ module: epsilon, migrations: [{ id: '001_table', sql: `${text};` }] }])).rejects.toThrow(`of module '${epsilon}' was edited`);
    });

    it('lets two migrators start at once: each migration applies exactly once', async () => {
      const other = await fixture.second();
      const t = table('raced');
      const gamma = `gamma_${suffix}`;
      const modules = [{ module: gamma, migrations: [
        { id: '001', sql: `CREATE TABLE ${t} (id integer PRIMARY KEY)` },
        { id: '002', sql: `INSERT INTO ${t} VALUES (1)` },
      ] }];
      try {
        const [first, second] = await Promise.all([migrate(sql, modules), migrate(other, modules)]);
        expect([...first, ...second].sort()).toEqual([`${gamma}/001`, `${gamma}/002`]);
        expect(await sql.query(`SELECT id FROM ${t}`)).toEqual([{ id: 1 }]);
      } finally {
        if (other !== sql) await other.close();
      }
    });

    it('withTenant shows and writes only the scoped tenant\'s rows (row-level security)', async () => {
      const t = table('rls');
      const [a, b] = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
      await sql.query(storageMigrations.migrations[0]!.sql);
      await sql.query(`CREATE TABLE ${t} (tenant_id uuid NOT NULL, v integer); ${tenantIsolationSql(t)}`);
      await sql.query(`INSERT INTO ${t} VALUES ($1, 1), ($2, 2)`, [a, b]);

      // The query asks for every row; the policy answers with tenant a's only.
      expect(await sql.withTenant(a, (tx) => tx.query(`SELECT v FROM ${t}`))).toEqual([{ v: 1 }]);
      const crossWrite = await sql.withTenant(a, (tx) => tx.query(`INSERT INTO ${t} VALUES ($1, 3)`, [b])).catch((e: unknown) => e);
      expect(String(crossWrite)).toMatch(/row-level security/);
      expect(await sql.withTenant(a, (tx) => tx.query(`UPDATE ${t} SET v = 9 RETURNING v`))).toEqual([{ v: 9 }]);
      expect(await sql.query(`SELECT v FROM ${t} ORDER BY v`)).toEqual([{ v: 2 }, { v: 9 }]);
      // The settings are transaction-local: a plain query afterwards is the owner again.
      expect(await sql.query(`SELECT current_setting('app.tenant_id', true) AS t`)).toEqual([{ t: '' }]);
      await expect(sql.withTenant('not-a-uuid', async () => 1)).rejects.toThrow(/not a tenant id/);
    });

    it('queryAsTenant runs one statement alone in a tenant transaction: scoped, typed like query, all or nothing', async () => {
      const t = table('alone');
      const [a, b] = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
      await sql.query(storageMigrations.migrations[0]!.sql);
      await sql.query(`CREATE TABLE ${t} (tenant_id uuid NOT NULL, id text PRIMARY KEY, doc jsonb, tags text[], at timestamptz, n integer, ok boolean, raw bytea, note text); ${tenantIsolationSql(t)}`);
      const odd = `it's a \\ back'slash \\' and $1 ; -- not a comment`;
      const insert = `INSERT INTO ${t} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`;
      const values = [a, 'one', { text: odd, nested: [1, null] }, ['x', odd], new Date('2026-01-02T03:04:05.678Z'), 7, true, Buffer.from([0, 255]), null];
      expect(await sql.queryAsTenant(a, insert, values)).toEqual([{ id: 'one' }]);
      const [row] = await sql.queryAsTenant(a, `SELECT tenant_id, id, doc, tags, at, n, ok, encode(raw, 'hex') AS raw, note FROM ${t} WHERE id = $1`, ['one']);
      expect(row).toEqual({ tenant_id: a, id: 'one', doc: { text: odd, nested: [1, null] }, tags: ['x', odd], at: '2026-01-02T03:04:05.678Z', n: 7, ok: true, raw: '00ff', note: null });

      // Row-level security holds: another tenant's rows are invisible and cannot be written.
      expect(await sql.queryAsTenant(b, `SELECT id FROM ${t}`, [])).toEqual([]);
      await expect(sql.queryAsTenant(a, insert, [b, 'two', null, null, null, null, null, null, null])).rejects.toThrow(/row-level security/);

      // A statement that fails part way leaves nothing behind.
      const failing = `WITH w AS (INSERT INTO ${t} (tenant_id, id) VALUES ($1, 'three') RETURNING id) SELECT (SELECT id FROM w)::integer AS n`;
      await expect(sql.queryAsTenant(a, failing, [a])).rejects.toThrow(/integer/);
      expect(await sql.query(`SELECT id FROM ${t} ORDER BY id`)).toEqual([{ id: 'one' }]);
      // The settings did not outlive it.
      expect(await sql.query(`SELECT current_setting('app.tenant_id', true) AS t`)).toEqual([{ t: '' }]);
      await expect(sql.queryAsTenant('not-a-uuid', `SELECT 1`, [])).rejects.toThrow(/not a tenant id/);
    });

    it('queryAsTenant sets settings for its statement alone; withLocalSettings for some statements of a transaction', async () => {
      const a = '00000000-0000-4000-8000-00000000000a';
      await sql.query(storageMigrations.migrations[0]!.sql);
      const read = `SELECT current_setting('enable_nestloop') AS nestloop, current_setting('app.tenant_id') AS tenant`;
      expect(await sql.queryAsTenant(a, read, [], { enable_nestloop: 'off' })).toEqual([{ nestloop: 'off', tenant: a }]);
      expect(await sql.queryAsTenant(a, read, [])).toEqual([{ nestloop: 'on', tenant: a }]);
      expect(await sql.query(`SELECT current_setting('enable_nestloop') AS nestloop`)).toEqual([{ nestloop: 'on' }]);
      const during = await sql.withTenant(a, async (tx) => {
        const inside = await withLocalSettings(tx, { enable_nestloop: 'off' }, () => tx.query(read));
        return [inside, await tx.query(read)];
      });
      expect(during).toEqual([[{ nestloop: 'off', tenant: a }], [{ nestloop: 'on', tenant: a }]]);
      // Names and values go into the text, so only plain ones pass.
      await expect(sql.queryAsTenant(a, read, [], { "x'); DROP TABLE t; --": 'on' })).rejects.toThrow(/not a setting/);
      await expect(sql.queryAsTenant(a, read, [], { enable_nestloop: "off', true); --" })).rejects.toThrow(/not a setting/);
      await expect(sql.withTenant(a, (tx) => withLocalSettings(tx, { enable_nestloop: "'" }, () => tx.query(read)))).rejects.toThrow(/not a setting/);
    });

    it('queryAsTenant answers many callers of a statement it has not run yet, at once', async () => {
      const a = '00000000-0000-4000-8000-00000000000a';
      await sql.query(storageMigrations.migrations[0]!.sql);
      const text = `SELECT $1::int * 2 AS n, '${suffix}' AS fresh`;
      const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => sql.queryAsTenant<{ n: number }>(a, text, [n])));
      expect(answers.map(([row]) => row?.n)).toEqual([2, 4, 6, 8, 10]);
    });

    it('queryAsTenant passes any text through unchanged, whatever quoting it looks like', async () => {
      const a = '00000000-0000-4000-8000-00000000000a';
      await sql.query(storageMigrations.migrations[0]!.sql);
      const texts = ['$mcp$', 'a$mcp$b', 'ends with $mcp', 'ends with $', '$$ $1 $tag$ $$', "E'\\x41' \\\\ ''", '\\x00ff', 'ü ✓ 𝄞'];
      for (const text of texts) {
        const [row] = await sql.queryAsTenant<{ v: string; doc: unknown }>(a, 'SELECT $1::text AS v, $2::jsonb AS doc', [text, JSON.stringify({ text })]);
        expect(row).toEqual({ v: text, doc: { text } });
      }
    });

    it('queryAsTenant refuses a NUL in a parameter as query does, even inside an array', async () => {
      const a = '00000000-0000-4000-8000-00000000000a';
      await sql.query(storageMigrations.migrations[0]!.sql);
      for (const value of ['a\0b', ['x', 'a\0b']]) {
        const direct = await sql.query(`SELECT $1::text[] AS v`, [[value].flat()]).catch((error: unknown) => error);
        const scoped = await sql.queryAsTenant(a, `SELECT $1::text[] AS v`, [[value].flat()]).catch((error: unknown) => error);
        expect(scoped).toBeInstanceOf(Error);
        expect(String(scoped)).toBe(String(direct));
      }
    });

    it('recognises unique violations', async () => {
      const t = table('uniq');
      await sql.query(`CREATE TABLE ${t} (id text PRIMARY KEY)`);
      await sql.query(`INSERT INTO ${t} VALUES ($1)`, ['x']);
      const duplicate = await sql.query(`INSERT INTO ${t} VALUES ($1)`, ['x']).catch((error: unknown) => error);
      expect(isUniqueViolation(duplicate)).toBe(true);
      const other = await sql.query(`SELECT * FROM no_such_table_${suffix}`).catch((error: unknown) => error);
      expect(isUniqueViolation(other)).toBe(false);
      expect(isUniqueViolation('23505')).toBe(false);
    });
  });
}
