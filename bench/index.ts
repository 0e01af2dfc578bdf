import { Redis } from 'ioredis';
import { dropDatabase } from '../test/support/env.js';
import { benchAnalytics } from './analytics.js';
import { benchAgainstBotbuilder } from './botbuilder-form.js';
import { benchEmbedded } from './embedded-load.js';
import { benchFlowTurn } from './flow-turn.js';
import { benchLiveConversations } from './live-conversations.js';
import { benchServerLoad } from './server-load.js';
import { BENCH_DB } from './targets.js';

const progress = (text: string) => process.stderr.write(`… ${text}\n`);

/** `npm run bench` runs every part; `npm run bench -- b e` only those named. */
const parts: Record<string, { what: string; run: () => Promise<void> }> = {
  a: { what: 'embedded default in process, open loop, and turn 500 against turn 1', run: benchEmbedded },
  b: { what: 'server mode over HTTP, open loop, 1 and 2 instances, storage round trips per turn', run: benchServerLoad },
  c: {
    what: 'one turn of a 20- and a 300-state flow in process, memory per context',
    run: async () => {
      progress('20- and 300-state flows, in process');
      await benchFlowTurn(Number(process.env.BENCH_FLOW_TURNS ?? 5000));
    },
  },
  e: { what: 'analytics on and off', run: benchAnalytics },
  f: { what: '100 against 100,000 live conversations (server mode)', run: benchLiveConversations },
  g: {
    what: 'the same form against Bot Framework SDK',
    run: async () => {
      progress('two-question form, this engine and Bot Framework SDK, in process');
      await benchAgainstBotbuilder(Number(process.env.BENCH_FORM_TURNS ?? 20_000));
    },
  },
};
const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !(name in parts));
if (unknown.length > 0) {
  process.stderr.write(`Unknown benchmark part ${unknown.join(', ')}; choose from ${Object.entries(parts).map(([name, p]) => `${name} (${p.what})`).join(', ')}.\n`);
  process.exit(2);
}
process.stdout.write('MCP Engine benchmark — open loop (latency counted from each message\'s scheduled send); BENCH_SECONDS, BENCH_RATES, BENCH_PROFILE=1 adjust it\n');
try {
  for (const [name, part] of Object.entries(parts)) {
    if (chosen.length === 0 || chosen.includes(name)) await part.run();
  }
} finally {
  await removeBenchData();
}

/** Leaves nothing behind: the databases the parts made and their keys in the shared Redis (their own Redis is gone already). */
async function removeBenchData(): Promise<void> {
  progress('removing the benchmark databases and Redis keys');
  for (const url of [BENCH_DB, `${BENCH_DB}_on`, `${BENCH_DB}_off`]) await dropDatabase(url).catch(() => undefined);
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'mcp-bench*', 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // No shared Redis running: nothing of ours is in it.
  } finally {
    redis.disconnect();
  }
}
