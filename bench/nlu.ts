/**
 * Benchmark of the offline intent classifier (`npm run bench:nlu`) on three public data sets,
 * one set of settings for all (the defaults): CLINC150, Banking77 and HWU64 (bench/datasets/).
 * For each: in-scope accuracy, out-of-scope recall at the engine's default threshold (CLINC150
 * has out-of-scope utterances), training time and classify latency. Then the same set over the
 * HTTP API (nlu-over-api.ts): training data and flow created through /v1, every test utterance
 * parsed with POST /v1/flows/{id}/nlu/parse; its figures must equal the in-process ones.
 * `npm run bench:nlu -- clinc150` runs only the sets named; `-- --no-api` skips the API rows.
 *
 * Training time is wall clock and CPU time of this process. On a busy machine a single timing's
 * tail mostly measures waiting for a core, so classify latency is each utterance's median over
 * several passes (the single-pass tail is printed next to it).
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { trainIntentClassifier } from '../src/modules/models/index.js';
import { type ApiBench, startApiBench } from './nlu-over-api.js';

type Split = [text: string, intent: string][];
interface DataSet {
  name: string;
  dir: string;
  train: string;
  test: string;
  oos?: string;
  /** Published in-scope accuracy of other systems on the same split, for context. */
  published: string;
}

const THRESHOLD = 0.55;
const PASSES = 5;
const SETS: DataSet[] = [
  { name: 'CLINC150', dir: 'clinc150', train: 'train', test: 'test', oos: 'oos_test', published: 'Rasa 91.5%, Dialogflow 91.7%, BERT 96.2% (Larson et al. 2019)' },
  { name: 'Banking77', dir: 'banking77', train: 'train', test: 'test', published: 'USE+ConveRT 93.4%, BERT 93.6% (Casanueva et al. 2020)' },
  { name: 'HWU64', dir: 'hwu64', train: 'train', test: 'val', published: 'Rasa 86.0%, Dialogflow 87.1% on test (Liu et al. 2019, other split)' },
];

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
// A collectable heap, so the memory a trained model keeps can be measured.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const retained = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    gc();
    // Array buffers are freed off the main thread, after the collection that found them dead.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const pct = (n: number, of: number): string => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;

function load(set: DataSet): Record<string, Split> {
  const file = new URL(`./datasets/${set.dir}/data.json.gz`, import.meta.url);
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Record<string, Split>;
}

async function run(set: DataSet, api: ApiBench | null): Promise<[string, string][]> {
  const data = load(set);
  const train = data[set.train] ?? [];
  const test = data[set.test] ?? [];
  const oos = set.oos ? (data[set.oos] ?? []) : [];
  const examples: Record<string, string[]> = {};
  for (const [text, intent] of train) (examples[intent] ??= []).push(text);

  const memory0 = process.env.NLU_BENCH_NO_MEMORY ? 0 : await retained();
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const classifier = trainIntentClassifier(examples, {
    onProgress: (done, total) => process.stderr.write(`\r${set.name}: training, epoch ${done}/${total}  `),
  });
  const trainCpu = cpuMs(cpu0) / 1000;
  const trainWall = (performance.now() - wall0) / 1000;
  const modelMb = process.env.NLU_BENCH_NO_MEMORY ? 0 : ((await retained()) - memory0) / 1e6;
  process.stderr.write(`\r${set.name}: classifying ${test.length + oos.length} utterances        \n`);

  // Warm up the JIT on training texts, as a running server would be.
  for (const [text] of train.slice(0, 500)) classifier.classify(text);
  const all = [...test, ...oos];
  const predictions = all.map(([text, intent]) => {
    const top = classifier.classify(text).ranking[0];
    return { correct: top?.name === intent, confidence: top?.confidence ?? 0 };
  });
  const inScope = predictions.slice(0, test.length);
  const outOfScope = predictions.slice(test.length);
  // Latency: every utterance is timed in PASSES passes; its cost is its median pass, which keeps
  // slow (long) utterances slow but drops the passes where the thread lost its core. The single
  // pass tail is printed too.
  const passes: number[][] = all.map(() => []);
  const cpu: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    all.forEach(([text], i) => {
      const c0 = pass === 0 ? process.cpuUsage() : null;
      const t0 = performance.now();
      classifier.classify(text);
      (passes[i] as number[]).push(performance.now() - t0);
      if (c0) cpu.push(cpuMs(c0));
    });
  }
  const median = passes.map((times) => quantile([...times].sort((a, b) => a - b), 0.5)).sort((a, b) => a - b);
  const single = passes.map((times) => times[0] as number).sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);

  const correct = inScope.filter((p) => p.correct).length;
  const rows: [string, string][] = [
    ['intents / train / test utterances', `${classifier.intents.length} / ${train.length} / ${test.length} (${set.test})`],
    ['in-scope accuracy', pct(correct, inScope.length)],
    [`in-scope accuracy @${THRESHOLD} (rejected = wrong)`, pct(inScope.filter((p) => p.correct && p.confidence >= THRESHOLD).length, inScope.length)],
  ];
  if (oos.length > 0) rows.push([`out-of-scope recall @${THRESHOLD}`, pct(outOfScope.filter((p) => p.confidence < THRESHOLD).length, oos.length)]);
  rows.push(
    ['training time, wall / CPU', `${trainWall.toFixed(1)} s / ${trainCpu.toFixed(1)} s`],
    ['trained model in memory', `${modelMb.toFixed(1)} MB`],
    [`classify, ms: p50 / p99 (median of ${PASSES} passes)`, `${quantile(median, 0.5).toFixed(3)} / ${quantile(median, 0.99).toFixed(3)}`],
    ['classify, ms: one pass, wall p99 / CPU p99', `${quantile(single, 0.99).toFixed(3)} / ${quantile(cpu, 0.99).toFixed(3)}`],
  );
  if (api) {
    process.stderr.write(`${set.name}: over the API, publishing and parsing ${test.length + oos.length} utterances\n`);
    const score = await api.score(set.dir, train, test, oos);
    rows.push(
      ['over the API: in-scope accuracy', pct(score.argmax, 1)],
      [`over the API: in-scope accuracy @${THRESHOLD} (fallback = wrong)`, pct(score.withFallback, 1)],
    );
    if (score.oosRecall !== null) rows.push([`over the API: out-of-scope recall @${THRESHOLD}`, pct(score.oosRecall, 1)]);
    rows.push(['over the API: publish (trains), wall / 429s retried', `${score.trainSeconds.toFixed(1)} s / ${score.throttled}`]);
  }
  rows.push(['published, for context', set.published]);
  return rows;
}

const args = process.argv.slice(2).map((a) => a.toLowerCase());
const only = args.filter((a) => !a.startsWith('--'));
const api = args.includes('--no-api') ? null : await startApiBench();
const summary: string[] = [];
for (const set of SETS.filter((s) => only.length === 0 || only.includes(s.dir))) {
  const rows = await run(set, api);
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${set.name}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
  summary.push(`${set.name} ${rows[1]?.[1] ?? ''}`);
}
await api?.stop();
console.log(`\nin-scope accuracy: ${summary.join(', ')}`);
