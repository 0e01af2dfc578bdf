/**
 * Knowledge-base benchmark (`npm run bench:kb`): retrieval recall@1/@5 and answer accuracy on a
 * slice of SQuAD 2.0 (bench/datasets/squad/normans.json, CC BY-SA 4.0: 14 paragraphs of the article
 * "Normans", 34 answerable and 48 unanswerable questions), each paragraph a source of one
 * workspace, through the real knowledge module on embedded PostgreSQL (PGlite).
 *
 * Two paths:
 * - offline: BM25 only, no key; the answer is the best passage quoted.
 * - model: the OpenAI provider through the loopback fake (test/fakes/openai.ts). Its embeddings
 *   are hashed bags of words and its "model" quotes the sentence of passage [1] that shares most
 *   words with the question. It is a stand-in for an LLM, not one: the figure measures the
 *   pipeline (hybrid retrieval, prompt, citations, NO_ANSWER handling), not a model's reading.
 *
 * An answer counts as correct when it contains one of SQuAD's answer texts (case-insensitive).
 * Unanswerable questions count as abstained when the answer is the "no answer" text.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKnowledge, knowledgeMigrations, type Knowledge } from '../src/modules/knowledge/index.js';
import { createModels, type ModelsConfig } from '../src/modules/models/index.js';
import { createStorage, type Storage } from '../src/modules/storage/index.js';
import { systemClock } from '../src/shared/clock.js';
import { randomIds } from '../src/shared/ids.js';
import { silentLogger } from '../src/shared/logger.js';
import { fakeEmbedding, startScriptedServer, type ScriptedServer } from '../test/fakes/openai.js';

interface Paragraph {
  context: string;
  qas: { question: string; answers: string[] }[];
  unanswerable: string[];
}
const data = JSON.parse(readFileSync(new URL('./datasets/squad/normans.json', import.meta.url), 'utf8')) as { paragraphs: Paragraph[] };
const TENANT = '00000000-0000-4000-8000-0000000000b1';
const NO_ANSWER = 'NOT FOUND';

const words = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

/** The fake's "model": the sentence of passage [1] sharing most words with the question. */
function extractiveReply(body: Record<string, unknown>): string {
  const messages = body.messages as { role: string; content: string }[];
  const data = messages.find((m) => m.content.startsWith('Conversation data'))?.content ?? '';
  // JSON encoding escapes newlines, so the data ends where the next (merged) message begins.
  const json = data.slice(data.indexOf('\n') + 1).split('\n\n')[0]!;
  const scope = JSON.parse(json) as { question: string; passages: { text: string }[] };
  const question = words(scope.question);
  const sentences = (scope.passages[0]?.text ?? '').match(/[^.!?]+[.!?]*/g) ?? [];
  let best = '';
  let bestScore = 0;
  for (const sentence of sentences) {
    const score = [...words(sentence)].filter((w) => question.has(w) && w.length > 3).length;
    if (score > bestScore) [best, bestScore] = [sentence.trim(), score];
  }
  return bestScore >= 2 ? `${best} [1]` : 'NO_ANSWER';
}

async function startFakeModel(): Promise<ScriptedServer> {
  return startScriptedServer((request) => {
    const body = request.body ?? {};
    if (request.path === '/v1/embeddings') {
      const input = (Array.isArray(body.input) ? body.input : [body.input]).map(String);
      return { body: { object: 'list', data: input.map((t, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(t) })), model: 'fake', usage: { prompt_tokens: 0, total_tokens: 0 } } };
    }
    const content = extractiveReply(body);
    return { body: { id: 'x', object: 'chat.completion', created: 0, model: 'fake', choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', refusal: null, content } }], usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } } };
  });
}

const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;

async function run(label: string, knowledge: Knowledge): Promise<void> {
  const sources: string[] = [];
  const indexStart = performance.now();
  for (const [i, paragraph] of data.paragraphs.entries()) {
    sources.push((await knowledge.addSource(TENANT, { kind: 'text', name: `Normans ¶${i + 1}`, content: paragraph.context })).id);
  }
  const indexMs = performance.now() - indexStart;
  let at1 = 0;
  let at5 = 0;
  let correct = 0;
  let asked = 0;
  let abstained = 0;
  const latencies: number[] = [];
  for (const [i, paragraph] of data.paragraphs.entries()) {
    for (const qa of paragraph.qas) {
      asked += 1;
      const found = await knowledge.search(TENANT, { question: qa.question, limit: 5 });
      const rank = found.hits.findIndex((h) => h.citation.sourceId === sources[i]);
      if (rank === 0) at1 += 1;
      if (rank >= 0) at5 += 1;
      const started = performance.now();
      const answer = await knowledge.answer(TENANT, { question: qa.question, limit: 5, noAnswer: NO_ANSWER });
      latencies.push(performance.now() - started);
      const text = answer.text.toLowerCase();
      if (answer.method !== 'none' && qa.answers.some((a) => text.includes(a.toLowerCase()))) correct += 1;
    }
    for (const question of paragraph.unanswerable) {
      const answer = await knowledge.answer(TENANT, { question, limit: 5, noAnswer: NO_ANSWER });
      if (answer.method === 'none') abstained += 1;
    }
  }
  const unanswerable = data.paragraphs.reduce((n, p) => n + p.unanswerable.length, 0);
  console.log(
    `${label.padEnd(8)} recall@1 ${pct(at1, asked).padStart(6)}  recall@5 ${pct(at5, asked).padStart(6)}  answer accuracy ${pct(correct, asked).padStart(6)}` +
      `  abstained on unanswerable ${pct(abstained, unanswerable).padStart(6)}  index ${indexMs.toFixed(0)} ms  answer p50 ${quantile(latencies, 0.5).toFixed(1)} ms`,
  );
}

async function withStorage(fn: (storage: Storage) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-kb-'));
  const storage = await createStorage({ dataDir, redisKeyPrefix: 'bench:', lockTtlMs: 5_000, lockWaitMs: 5_000 }, { logger: silentLogger() });
  try {
    await storage.migrate([knowledgeMigrations]);
    await fn(storage);
  } finally {
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Search cost as a workspace grows: the slice indexed `copies` times over (each copy its own sources). */
async function scale(knowledge: Knowledge, copies: number): Promise<void> {
  const started = performance.now();
  for (let copy = 0; copy < copies; copy += 1) {
    for (const [i, paragraph] of data.paragraphs.entries()) await knowledge.addSource(TENANT, { kind: 'text', name: `copy ${copy} ¶${i + 1}`, content: paragraph.context });
  }
  const indexMs = performance.now() - started;
  const latencies: number[] = [];
  for (const paragraph of data.paragraphs) {
    for (const qa of paragraph.qas) {
      const t = performance.now();
      await knowledge.search(TENANT, { question: qa.question, limit: 5 });
      latencies.push(performance.now() - t);
    }
  }
  const chunks = (await knowledge.listSources(TENANT)).reduce((n, s) => n + s.chunkCount, 0);
  console.log(`scale    ${chunks} chunks indexed in ${(indexMs / 1000).toFixed(1)} s; BM25 search p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms`);
}

const deps = { ids: randomIds, clock: systemClock, logger: silentLogger(), fetch: globalThis.fetch };
console.log(`SQuAD 2.0 slice: ${data.paragraphs.length} paragraphs, ${data.paragraphs.reduce((n, p) => n + p.qas.length, 0)} answerable questions (embedded PGlite)`);
await withStorage(async ({ sql }) => {
  await run('offline', createKnowledge({ ...deps, sql, models: createModels({ clock: systemClock }) }));
});
await withStorage(async ({ sql }) => {
  await scale(createKnowledge({ ...deps, sql, models: createModels({ clock: systemClock }) }), 100);
});
const fake = await startFakeModel();
try {
  await withStorage(async ({ sql }) => {
    const config: ModelsConfig = {
      openai: { apiKey: 'sk-bench', baseUrl: `${fake.origin}/v1`, model: 'gpt-4o-mini' },
      anthropic: { apiKey: undefined, baseUrl: undefined, model: 'claude-haiku-4-5' },
      cascadeThreshold: 0.8,
      timeoutMs: 15_000,
      maxRetries: 0,
      retryBaseMs: 250,
      retryMaxMs: 5_000,
      breakerFailures: 5,
      breakerCooldownMs: 30_000,
      cacheTtlMs: 0,
    };
    const models = createModels({ clock: systemClock, config });
    await run('model', createKnowledge({ ...deps, sql, models }));
  });
} finally {
  await fake.close();
}
