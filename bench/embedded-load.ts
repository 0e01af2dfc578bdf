import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatOpenLoop, runOpenLoop } from './open-loop.js';
import { loadAverage } from './server-load.js';
import { printRow, summarise } from './stats.js';
import { startInProcess } from './targets.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Offered rates in process: a quarter, half, and all of the target (issue 21: 2,000 msg/s, p99 < 10 ms). */
const RATES = (process.env.BENCH_EMBEDDED_RATES ?? '500,1000,2000').split(',').map(Number);

const progress = (text: string) => process.stderr.write(`… ${text}\n`);

/** (a) The embedded default (PGlite + in-memory cache), the engine called in process, open loop. */
export async function benchEmbedded(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
  const { app, send } = await startInProcess({ MCP_DATA_DIR: dataDir });
  try {
    progress('warming up (in process, embedded)');
    await runOpenLoop({ send, rate: 200, seconds: 5, conversations: 1000, runId: `warm-${Date.now()}` });
    for (const rate of RATES) {
      progress(`${rate} msg/s for ${SECONDS} s, 1,000 conversations, in process`);
      const load = loadAverage();
      const result = await runOpenLoop({ send, rate, seconds: SECONDS, conversations: 1000, runId: `r${rate}-${Date.now()}` });
      process.stdout.write(`${formatOpenLoop('(a) embedded (PGlite + memory), in process', result)}   (${load})\n`);
    }
    await historyIndependence(send);
  } finally {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Turn 500 of a conversation against its first turns: what a turn costs must not grow with history. */
async function historyIndependence(send: (conversationId: string, text: string) => Promise<void>): Promise<void> {
  progress('20 conversations × 500 turns, sequential, in process');
  const script = ['where is my order', '12345', 'I want to cancel', '987654', 'no', 'hi'];
  const early: number[] = [];
  const late: number[] = [];
  const started = performance.now();
  for (let c = 0; c < 20; c += 1) {
    const id = `history-${Date.now()}-${c}`;
    for (let t = 0; t < 500; t += 1) {
      const t0 = performance.now();
      await send(id, script[t % script.length]!);
      const ms = performance.now() - t0;
      if (t < 50) early.push(ms);
      else if (t >= 450) late.push(ms);
    }
  }
  const wall = performance.now() - started;
  printRow('(f) turns 1–50 of a conversation', summarise(early, (wall * early.length) / 10_000));
  printRow('(f) turns 451–500 of the same conversations', summarise(late, (wall * late.length) / 10_000));
}
