import { describe, expect, it } from 'vitest';
import { analyticsMigrations } from './migrations.js';
import { RAW_TABLE_NAMES } from './raw-tables.js';
import { CHUNK_SCHEMA, dropChunksSql, LOCK_CHUNKS_SQL, rawTableScheme } from './timescale.js';

/** No TimescaleDB here or in CI: the SQL of its path and the choice of path are checked as text. */
describe('TimescaleDB path', () => {
  it('is taken only when the extension exists and the raw tables are not partitioned already', () => {
    expect(rawTableScheme({ extension: true, partitioned: false })).toBe('hypertables');
    expect(rawTableScheme({ extension: true, partitioned: true })).toBe('partitions');
    expect(rawTableScheme({ extension: false, partitioned: false })).toBe('partitions');
    expect(rawTableScheme({ extension: false, partitioned: true })).toBe('partitions');
  });

  it('creates day chunks without the default time index, in every migration that creates a raw table', () => {
    const sql = analyticsMigrations.migrations.map((m) => m.sql).join('\n');
    const created = sql.match(/create_hypertable\([^;]*;/g) ?? [];
    expect(created.length).toBeGreaterThanOrEqual(RAW_TABLE_NAMES.length);
    for (const call of created) expect(call).toContain("chunk_time_interval => interval '1 day', create_default_indexes => false");
  });

  it('revokes the application role on chunks, and a migration drops the default indexes of older hypertables', () => {
    expect(LOCK_CHUNKS_SQL).toContain(`n.nspname = '${CHUNK_SCHEMA}'`);
    expect(LOCK_CHUNKS_SQL).toMatch(/REVOKE ALL ON %s FROM mcp_app/);
    const hardening = analyticsMigrations.migrations.find((m) => m.id === '005_timescale_chunks')!;
    for (const table of RAW_TABLE_NAMES) expect(hardening.sql).toContain(`DROP INDEX IF EXISTS ${table}_time_idx`);
    expect(hardening.sql).toContain('REVOKE ALL ON %s FROM mcp_app');
    expect(hardening.sql).toContain("extname = 'timescaledb'");
  });

  it('drops expired chunks by time, as a parameter', () => {
    expect(dropChunksSql('system_metrics')).toBe("SELECT drop_chunks('system_metrics', older_than => $1::timestamptz)");
  });
});
