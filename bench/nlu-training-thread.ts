/**
 * What a large NLU training does to the event loop (`npm run bench:nlu-thread`): the same
 * training (Banking77's 10,003 examples, or `-- --examples N` of them) inline on the main thread
 * and in the training worker, with the event loop's delay sampled meanwhile
 * (perf_hooks.monitorEventLoopDelay). Then the cost of the thread hop for small flows, which is
 * what decides below how many examples a flow still trains inline.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { createIntentTrainer } from '../src/modules/models/index.js';

type Split = [text: string, intent: string][];

const arg = process.argv.indexOf('--examples');
const limit = arg > 0 ? Number(process.argv[arg + 1]) : Infinity;
const file = new URL('./datasets/banking77/data.json.gz', import.meta.url);
const data = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Record<string, Split>;

function examplesOf(split: Split, count: number): Record<string, string[]> {
  const examples: Record<string, string[]> = {};
  for (const [text, intent] of split.slice(0, count)) (examples[intent] ??= []).push(text);
  return examples;
}

const ms = (ns: number): string => (ns / 1e6).toFixed(1);

async function measure(label: string, train: () => Promise<unknown>): Promise<void> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  // The histogram's timer needs one tick before the training: a first sample has nothing to compare with.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = performance.now();
  const cpu = process.cpuUsage();
  await train();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  // A loop blocked all along records its one late sample only once it runs again.
  await new Promise((resolve) => setTimeout(resolve, 20));
  delay.disable();
  console.log(
    `  ${label.padEnd(34)} wall ${(wall / 1000).toFixed(2)} s, CPU of all threads ${((used.user + used.system) / 1e6).toFixed(2)} s;` +
      ` event-loop delay p50 / p99 / max ${ms(delay.percentile(50))} / ${ms(delay.percentile(99))} / ${ms(delay.max)} ms`,
  );
}

const train = data.train as Split;
const large = examplesOf(train, Math.min(limit, train.length));
const count = Object.values(large).reduce((n, list) => n + list.length, 0);
console.log(`Training ${count} examples (${Object.keys(large).length} intents), load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const inline = createIntentTrainer({ inlineBelow: Infinity });
const threaded = createIntentTrainer({ inlineBelow: 0 });
// Starts the worker (and tsx in it) so that its start-up is not counted in the large training.
const cold = performance.now();
await threaded.train(examplesOf(train, 50));
console.log(`  worker start-up and a 50-example training: ${(performance.now() - cold).toFixed(0)} ms`);

await measure('inline (main thread)', () => inline.train(large));
await measure('worker thread', () => threaded.train(large));

console.log('Small flows, median of 5 trainings: inline vs worker (warm) in ms');
for (const size of [50, 200, 500, 1000, 2000]) {
  const examples = examplesOf(train, size);
  const times = async (trainer: typeof inline): Promise<number> => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await trainer.train(examples);
      runs.push(performance.now() - started);
    }
    return runs.sort((a, b) => a - b)[2] as number;
  };
  console.log(`  ${String(size).padStart(5)} examples   inline ${(await times(inline)).toFixed(1).padStart(7)}   worker ${(await times(threaded)).toFixed(1).padStart(7)}`);
}
await threaded.close();
