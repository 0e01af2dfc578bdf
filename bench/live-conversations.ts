import { Redis } from 'ioredis';
import pg from 'pg';
import { createOwnRedis } from '../test/support/own-redis.js';
import { formatOpenLoop, httpMessageSender, runOpenLoop } from './open-loop.js';
import { loadAverage } from './server-load.js';
import { BENCH_DB, BENCH_KEY, startServer } from './targets.js';

const LIVE = Number(process.env.BENCH_LIVE ?? 100_000);
const RATE = Number(process.env.BENCH_LIVE_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** The server's key prefix (targets.ts) and the context store's cache key. */
const cacheKey = (tenantId: string, conversationId: string) => `mcp-bench:conversation:${tenantId}:${conversationId}`;

const progress = (text: string) => process.stderr.write(`… ${text}\n`);

/**
 * Copies one real conversation's stored and cached context to `count` conversations, as if that
 * many were mid-conversation: rows in PostgreSQL (one INSERT … SELECT) and cache entries in Redis.
 */
async function seedLiveConversations(redisUrl: string, seedId: string, count: number): Promise<void> {
  const db = new pg.Client({ connectionString: BENCH_DB });
  await db.connect();
  const redis = new Redis(redisUrl);
  try {
    const [seed] = (await db.query<{ tenant_id: string }>('SELECT tenant_id::text FROM conversation_contexts WHERE conversation_id = $1', [seedId])).rows;
    if (!seed) throw new Error(`the seed conversation '${seedId}' was not stored`);
    await db.query(
      `INSERT INTO conversation_contexts (tenant_id, conversation_id, flow_id, flow_version, context, version, updated_at, recent_message_ids)
       SELECT tenant_id, 'live-' || g, flow_id, flow_version, context, version, updated_at, recent_message_ids
         FROM conversation_contexts, generate_series(0, $2::int - 1) AS g WHERE conversation_id = $1`,
      [seedId, count],
    );
    const cached = await redis.get(cacheKey(seed.tenant_id, seedId));
    if (!cached) throw new Error('the seed conversation was not cached');
    for (let from = 0; from < count; from += 5000) {
      const pipeline = redis.pipeline();
      for (let i = from; i < Math.min(count, from + 5000); i += 1) pipeline.set(cacheKey(seed.tenant_id, `live-${i}`), cached, 'PX', 30 * 60_000);
      await pipeline.exec();
    }
  } finally {
    redis.disconnect();
    await db.end();
  }
}

/** (f) The same rate over 100 conversations and over 100,000 live ones: a turn must cost the same. */
export async function benchLiveConversations(): Promise<void> {
  progress('starting a Redis of its own and the server (PostgreSQL + Redis)');
  const redis = await createOwnRedis();
  await redis.start();
  const server = await startServer({ env: { REDIS_URL: redis.url } });
  const sender = httpMessageSender([server.url], BENCH_KEY);
  try {
    await sender.send('live-seed', 'where is my order');
    progress(`seeding ${LIVE.toLocaleString('en')} live conversations`);
    await seedLiveConversations(redis.url, 'live-seed', LIVE);
    progress('warming up');
    await runOpenLoop({ send: sender.send, rate: 300, seconds: 5, conversations: 100, runId: `warm-${Date.now()}` });
    for (const [label, conversations, runId] of [
      ['(f) 100 conversations', 100, `few-${Date.now()}`],
      [`(f) ${LIVE.toLocaleString('en')} live conversations`, LIVE, 'live'],
    ] as const) {
      progress(`${RATE} msg/s for ${SECONDS} s over ${conversations} conversations`);
      const load = loadAverage();
      const result = await runOpenLoop({ send: sender.send, rate: RATE, seconds: SECONDS, conversations, runId });
      process.stdout.write(`${formatOpenLoop(label, result)}   (${load})\n`);
    }
  } finally {
    sender.close();
    await server.stop();
    await redis.stop();
  }
}
