import { readFileSync } from 'node:fs';
import { createOfflineTurnDeps } from '../src/cli/offline-deps.js';
import { loadConfig } from '../src/config.js';
import { runFlowTurn, compileFlowSource, type ConversationSnapshot } from '../src/modules/engine/index.js';

type CompiledFlow = ReturnType<typeof compileFlowSource>;
import { printRow, summarise } from './stats.js';

const SOURCE = readFileSync(new URL('./flows/twenty-states.yaml', import.meta.url), 'utf8');
const SCRIPT = ['I want a reservation', '4 people', 'tomorrow', 'at 7pm', 'ada@example.com', 'what is on the menu', 'I need to cancel', 'ada@example.com', 'bye'];
const TENANT = '00000000-0000-4000-8000-000000000001';

/**
 * The 20-state flow with 280 more states (a chain of info pages, reachable from the menu) that the
 * script never visits: a turn's cost must not grow with the size of the flow.
 */
function threeHundredStates(): string {
  const pages = Array.from({ length: 280 }, (_, i) => {
    const id = `p${String(i + 1).padStart(3, '0')}`;
    const next = i === 279 ? 's09_more' : `p${String(i + 2).padStart(3, '0')}`;
    return `  ${id}: { type: response, say: "Page ${i + 1} of the guide, {{ user.name | default: 'guest' }}.", next: ${next} }`;
  });
  return SOURCE.replace('name: bench-twenty', 'name: bench-three-hundred')
    .replace('  s11_menu_more: { type: response, say: "Vegan options on request.", next: s09_more }', '  s11_menu_more: { type: response, say: "Vegan options on request.", next: p001 }')
    .concat(pages.join('\n'), '\n');
}

/** Sequential turns of `flow` in process (after 50 warm-up turns); per-turn durations in ms. */
async function timeTurns(run: (flow: CompiledFlow, snapshot: ConversationSnapshot | null, text: string) => Promise<ConversationSnapshot>, flow: CompiledFlow, turns: number) {
  let context: ConversationSnapshot | null = null;
  for (let i = 0; i < 50; i += 1) context = await run(flow, context, SCRIPT[i % SCRIPT.length]!);
  const durations: number[] = [];
  const started = performance.now();
  for (let i = 0; i < turns; i += 1) {
    const t0 = performance.now();
    context = await run(flow, context, SCRIPT[i % SCRIPT.length]!);
    durations.push(performance.now() - t0);
  }
  return summarise(durations, performance.now() - started);
}

/** One turn of a 20-state flow (slots, conditions, templates) in process, without storage, and of a 300-state one. */
export async function benchFlowTurn(turns: number): Promise<void> {
  const flow = compileFlowSource(SOURCE);
  const loaded = loadConfig({ LOG_LEVEL: 'silent' });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const offline = await createOfflineTurnDeps(loaded.config);
  const deps = offline.turn;
  const turnOf = async (compiled: CompiledFlow, snapshot: ConversationSnapshot | null, text: string) =>
    (await runFlowTurn(deps, { tenantId: TENANT, flow: compiled, modelKey: `bench-${compiled.definition.name}@1`, snapshot, message: { text, channel: 'api' } })).snapshot;
  const run = (snapshot: ConversationSnapshot | null, text: string) => turnOf(flow, snapshot, text);

  const twenty = await timeTurns(turnOf, flow, turns);
  printRow('(c) one turn, 20-state flow, in process (no I/O)', twenty);
  const large = await timeTurns(turnOf, compileFlowSource(threeHundredStates()), turns);
  printRow('(c) one turn, 300-state flow, in process (no I/O)', large);
  process.stdout.write(`    300 states vs 20: p99 ×${(large.p99 / twenty.p99).toFixed(2)} (target within ×2)\n`);

  // Memory per active conversation: snapshots as the cache keeps them (after a few turns each).
  const contexts: ConversationSnapshot[] = [];
  for (let c = 0; c < 200; c += 1) {
    let ctx: ConversationSnapshot | null = null;
    for (let t = 0; t < 4; t += 1) ctx = await run(ctx, SCRIPT[t]!);
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
