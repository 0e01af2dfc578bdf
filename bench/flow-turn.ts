import { readFileSync } from 'node:fs';
import { createOfflineTurnDeps } from '../src/cli/offline-deps.js';
import { loadConfig } from '../src/config.js';
import { runFlowTurn, compileFlowSource, type FlowContext } from '../src/modules/engine/index.js';
import { printRow, summarise } from './stats.js';

const SOURCE = readFileSync(new URL('./flows/twenty-states.yaml', import.meta.url), 'utf8');
const SCRIPT = ['I want a reservation', '4 people', 'tomorrow', 'at 7pm', 'ada@example.com', 'what is on the menu', 'I need to cancel', 'ada@example.com', 'bye'];
const TENANT = '00000000-0000-4000-8000-000000000001';

/** One turn of a 20-state flow (slots, conditions, templates) in process, without storage. */
export async function benchFlowTurn(turns: number): Promise<void> {
  const flow = compileFlowSource(SOURCE);
  const loaded = loadConfig({ LOG_LEVEL: 'silent' });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const offline = await createOfflineTurnDeps(loaded.config);
  const deps = offline.turn;
  const run = (context: FlowContext | null, text: string) =>
    runFlowTurn(deps, { tenantId: TENANT, flow, modelKey: 'bench@1', context, message: { text, channel: 'api' } });

  let context: FlowContext | null = null;
  for (let i = 0; i < 50; i += 1) context = (await run(context, SCRIPT[i % SCRIPT.length]!)).result.context;

  const durations: number[] = [];
  const started = performance.now();
  for (let i = 0; i < turns; i += 1) {
    const t0 = performance.now();
    context = (await run(context, SCRIPT[i % SCRIPT.length]!)).result.context;
    durations.push(performance.now() - t0);
  }
  printRow('(c) one turn, 20-state flow, in process (no I/O)', summarise(durations, performance.now() - started));

  // Memory per active conversation: contexts as the cache keeps them (after a few turns each).
  const contexts: FlowContext[] = [];
  for (let c = 0; c < 200; c += 1) {
    let ctx: FlowContext | null = null;
    for (let t = 0; t < 4; t += 1) ctx = (await run(ctx, SCRIPT[t]!)).result.context;
    contexts.push(ctx!);
  }
  const serialised = contexts.map((c) => JSON.stringify(c).length);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const copies = Array.from({ length: 5000 }, (_, i) => structuredClone(contexts[i % contexts.length]!));
  gc?.();
  const perContext = (process.memoryUsage().heapUsed - before) / copies.length;
  const meanBytes = serialised.reduce((a, b) => a + b, 0) / serialised.length;
  await offline.close();
  process.stdout.write(
    `${'(d) memory per active conversation context'.padEnd(48)} ${(perContext / 1024).toFixed(1)} KiB on the heap, ${(meanBytes / 1024).toFixed(1)} KiB as stored JSON${gc ? '' : ' (run with --expose-gc for a steadier figure)'}\n`,
  );
}
