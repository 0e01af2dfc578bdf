import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('analytics relay batch size', () => {
  const batchSize = (env: Record<string, string>) => {
    const loaded = loadConfig(env);
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    return loaded.config.analytics.batchSize;
  };

  it('is smaller embedded, where a batch holds the only backend, than on PostgreSQL, unless set', () => {
    expect(batchSize({})).toBe(100);
    expect(batchSize({ DATABASE_URL: 'postgres://db/mcp' })).toBe(500);
    expect(batchSize({ MCP_ANALYTICS_BATCH_SIZE: '7' })).toBe(7);
  });

  it('refuses a batch of no records', () => {
    const loaded = loadConfig({ MCP_ANALYTICS_BATCH_SIZE: '0' });
    expect(loaded.ok).toBe(false);
    expect(loaded.ok ? [] : loaded.problems.join('; ')).toMatch(/MCP_ANALYTICS_BATCH_SIZE/);
  });
});
