import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatOpenLoop, runOpenLoop } from './open-loop.js';
import { loadAverage, metricValue } from './server-load.js';
import { printRow, summarise } from './stats.js';
import type { App } from '../src/app.js';
import { type Send, startInProcess } from './targets.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Offered rates in process: a quarter, half, and all of the target (issue 21: 2,000 msg/s, p99 < 10 ms). */
const RATES = (process.env.BENCH_EMBEDDED_RATES ?? '500,1000,2000').split(',').map(Number);

const progress = (text: string) => process.stderr.write(`… ${text}\n`);

/** An embedded app of its own (a fresh data directory), stopped and removed after `run`. */
async function withEmbeddedApp(run: (send: Send, app: App) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
  const { app, send } = await startInProcess({ MCP_DATA_DIR: dataDir });
  try {
    await run(send, app);
  } finally {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * (a) The embedded default (PGlite + in-memory cache), the engine called in process, open loop;
 * then turns 1–50 against 451–500 on an app of their own, so that work the overloaded runs left
 * behind (their analytics, a larger database) does not land in the sequential figures.
 */
export async function benchEmbedded(): Promise<void> {
  await withEmbeddedApp(async (send, app) => {
    progress('warming up (in process, embedded)');
    await runOpenLoop({ send, rate: 200, seconds: 5, conversations: 1000, runId: `warm-${Date.now()}` });
    for (const rate of RATES) {
      progress(`${rate} msg/s for ${SECONDS} s, 1,000 conversations, in process`);
      const load = loadAverage();
      const [busyBefore, started] = [await databaseBusySeconds(app), performance.now()];
      const result = await runOpenLoop({ send, rate, seconds: SECONDS, conversations: 1000, runId: `r${rate}-${Date.now()}` });
      const busy = (await databaseBusySeconds(app)) - busyBefore;
      const share = `PGlite's thread busy ${((busy / ((performance.now() - started) / 1000)) * 100).toFixed(0)}%`;
      process.stdout.write(`${formatOpenLoop('(a) embedded (PGlite + memory), in process', result)}   ${share}   (${load})\n`);
    }
  });
  await withEmbeddedApp(historyIndependence);
}

/** Seconds PGlite's thread has spent running statements, from the app's operator figures. */
async function databaseBusySeconds(app: App): Promise<number> {
  return metricValue((await app.analytics.prometheus()).text, 'mcp_embedded_database_busy_seconds_total');
}

/** Turn 500 of a conversation against its first turns: what a turn costs must not grow with history. */
async function historyIndependence(send: Send): Promise<void> {
  const script = ['where is my order', '12345', 'I want to cancel', '987654', 'no', 'hi'];
  // A fresh app: its first turns would otherwise count the JIT's warm-up as turns 1–50.
  for (let t = 0; t < 300; t += 1) await send(`history-warm-${t % 10}`, script[t % script.length]!);
  progress('20 conversations × 500 turns, sequential, in process');
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
