import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../../test/support/env.js';
import { type ColumnType, CUSTOM_METRIC_COLUMNS, INTEGRATION_CALL_COLUMNS, MODEL_CALL_COLUMNS, RAW_TABLE_NAMES, type RawTable, TURN_COLUMNS } from './raw-tables.js';

/** The inserts' column types against the tables the migrations made (a database migrated by the test setup). */
let db: pg.Client;

beforeAll(async () => {
  db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
});
afterAll(async () => {
  await db.end();
});

const SPELLED: Partial<Record<string, ColumnType>> = { 'timestamp with time zone': 'timestamptz' };

async function columnsOf(table: RawTable): Promise<Record<string, ColumnType>> {
  const { rows } = await db.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [table],
  );
  return Object.fromEntries(rows.map(({ name, type }) => [name, SPELLED[type] ?? (type as ColumnType)]));
}

describe('raw table columns', () => {
  it('are the columns and types the migrations created', async () => {
    expect(RAW_TABLE_NAMES).toHaveLength(4);
    expect(await columnsOf('conversation_analytics')).toEqual({ ...TURN_COLUMNS, tenant_id: 'uuid' });
    expect(await columnsOf('custom_metrics')).toEqual({ ...CUSTOM_METRIC_COLUMNS, tenant_id: 'uuid' });
    expect(await columnsOf('model_usage_analytics')).toMatchObject({ ...MODEL_CALL_COLUMNS, turn_id: 'uuid', turn: 'integer' });
    expect(await columnsOf('system_metrics')).toMatchObject({ ...INTEGRATION_CALL_COLUMNS, metric: 'text', turn_id: 'uuid', turn: 'integer' });
  });
});
