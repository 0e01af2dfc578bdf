/**
 * NLU training data on the turn path (`npm run bench:nlu-data`): CLINC150's train split stored as
 * one training-data document (embedded PGlite), then the figures a flow referencing it costs:
 * storing it, training it (what publishing does), and a parse per message with the revision
 * pinned, with the database queries those parses made (the document is cached: none expected),
 * next to the same examples written inline in the flow.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createModels, type FlowNlu, modelsMigrations } from '../src/modules/models/index.js';
import { createStorage } from '../src/modules/storage/index.js';
import type { Sql } from '../src/modules/storage/contract.js';
import { systemClock } from '../src/shared/clock.js';
import { silentLogger } from '../src/shared/logger.js';

type Split = [text: string, intent: string][];
// The copy bench:nlu evaluates the classifier on.
const data = JSON.parse(gunzipSync(readFileSync(new URL('./datasets/clinc150/data.json.gz', import.meta.url))).toString('utf8')) as Record<string, Split>;
const intents: Record<string, string[]> = {};
for (const [text, intent] of data.train ?? []) (intents[intent] ??= []).push(text);
const messages = (data.test ?? []).slice(0, 2000).map(([text]) => text);
const examples = Object.values(intents).reduce((n, list) => n + list.length, 0);

const progress = (text: string) => process.stderr.write(`… ${text}\n`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** Counts the transactions the models module opens, to show that parses make none once warm. */
function counting(sql: Sql): { sql: Sql; count: () => number } {
  let n = 0;
  return {
    sql: { ...sql, withTenant: (tenantId, fn) => ((n += 1), sql.withTenant(tenantId, fn)), transaction: (fn) => ((n += 1), sql.transaction(fn)), query: (t, p) => ((n += 1), sql.query(t, p)) },
    count: () => n,
  };
}

async function parseAll(models: ReturnType<typeof createModels>, tenantId: string, modelKey: string, nlu: FlowNlu): Promise<{ p50: number; p99: number }> {
  const timings: number[] = [];
  for (const text of messages) {
    const started = performance.now();
    await models.parse(tenantId, { modelKey, nlu, text });
    timings.push((performance.now() - started) * 1000);
  }
  timings.sort((a, b) => a - b);
  return { p50: percentile(timings, 0.5), p99: percentile(timings, 0.99) };
}

const dataDir = mkdtempSync(join(tmpdir(), 'mcp-bench-nlu-data-'));
const storage = await createStorage({ dataDir, redisKeyPrefix: 'bench:', lockTtlMs: 5000, lockWaitMs: 5000 }, { logger: silentLogger() });
try {
  await storage.migrate([modelsMigrations]);
  const counted = counting(storage.sql);
  const models = createModels({ clock: systemClock, sql: counted.sql });
  const tenantId = randomUUID();

  progress(`storing CLINC150 train (${examples.toLocaleString('en')} examples) as a document`);
  let started = performance.now();
  const stored = await models.trainingData.create(tenantId, { name: 'clinc150', intents });
  const storeMs = performance.now() - started;

  progress('training it, as publishing a flow that references it does');
  const nlu: FlowNlu = { trainingData: { name: 'clinc150', revision: stored.revision } };
  started = performance.now();
  await models.prepare(tenantId, { modelKey: 'flow@1', nlu });
  const trainMs = performance.now() - started;

  progress(`${messages.length} parses with the pinned revision`);
  const before = counted.count();
  const referenced = await parseAll(models, tenantId, 'flow@1', nlu);
  const queries = counted.count() - before;

  progress('the same examples inline in the flow');
  await models.prepare(tenantId, { modelKey: 'inline@1', nlu: { intents } });
  const inline = await parseAll(models, tenantId, 'inline@1', { intents });

  const us = (v: number) => `${v.toFixed(0)} µs`;
  process.stdout.write(`training data document of ${examples.toLocaleString('en')} examples, ${Object.keys(intents).length} intents (CLINC150 train)\n`);
  process.stdout.write(`  store (one revision, one transaction): ${storeMs.toFixed(0)} ms; train (at publish): ${(trainMs / 1000).toFixed(1)} s\n`);
  process.stdout.write(`  parse, document by pinned revision: p50 ${us(referenced.p50)}, p99 ${us(referenced.p99)}; database queries during ${messages.length} parses: ${queries}\n`);
  process.stdout.write(`  parse, same examples inline:        p50 ${us(inline.p50)}, p99 ${us(inline.p99)}\n`);
} finally {
  await storage.close();
  rmSync(dataDir, { recursive: true, force: true });
}
