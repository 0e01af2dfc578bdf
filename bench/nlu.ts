/**
 * CLINC150 benchmark of the offline intent classifier (`npm run bench:nlu`).
 * Trains on `train`, reports in-scope accuracy on `test` and out-of-scope recall on `oos_test`
 * at the engine's default threshold, next to the published baselines (Larson et al., 2019).
 */
import { readFileSync } from 'node:fs';
import { trainIntentClassifier } from '../src/modules/models/index.js';

type Split = [text: string, intent: string][];
const THRESHOLD = 0.55;
const SWEEP = [0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8];
const BASELINES = { Rasa: 91.5, Dialogflow: 91.7, BERT: 96.2 };

const data = JSON.parse(readFileSync(new URL('./data/clinc150/data_full.json', import.meta.url), 'utf8')) as Record<string, Split>;
const split = (name: string): Split => data[name] ?? [];

const examples: Record<string, string[]> = {};
for (const [text, intent] of split('train')) (examples[intent] ??= []).push(text);

const started = performance.now();
const classifier = trainIntentClassifier(examples, {
  onProgress: (done, total) => process.stderr.write(`\rtraining: epoch ${done}/${total}`),
});
const trainSeconds = (performance.now() - started) / 1000;
process.stderr.write('\n');

interface Prediction { correct: boolean; confidence: number }
const timings: number[] = [];
function predict(set: Split): Prediction[] {
  return set.map(([text, intent]) => {
    const t0 = performance.now();
    const top = classifier.classify(text).ranking[0];
    timings.push(performance.now() - t0);
    return { correct: top?.name === intent, confidence: top?.confidence ?? 0 };
  });
}
const inScope = predict(split('test'));
const outOfScope = predict(split('oos_test'));

const pct = (n: number, of: number): string => `${((100 * n) / of).toFixed(1)}%`;
const count = <T>(items: T[], test: (item: T) => boolean): number => items.filter(test).length;
const accuracy = (100 * count(inScope, (p) => p.correct)) / inScope.length;
const sorted = [...timings].sort((a, b) => a - b);
const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
const mean = timings.reduce((a, b) => a + b, 0) / Math.max(1, timings.length);

const rows: [string, string][] = [
  ['intents / train utterances', `${classifier.intents.length} / ${split('train').length}`],
  ['in-scope accuracy (test)', `${accuracy.toFixed(2)}%`],
  [`OOS recall @${THRESHOLD} (oos_test)`, pct(count(outOfScope, (p) => p.confidence < THRESHOLD), outOfScope.length)],
  [`in-scope accuracy @${THRESHOLD} (rejected = wrong)`, pct(count(inScope, (p) => p.correct && p.confidence >= THRESHOLD), inScope.length)],
  ['training time', `${trainSeconds.toFixed(1)} s`],
  ['classify, ms per utterance', `p50 ${p50.toFixed(3)}, mean ${mean.toFixed(3)}`],
];
const width = Math.max(...rows.map(([label]) => label.length));
console.log('CLINC150 (full), trained on train, evaluated on test + oos_test');
for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);

console.log('\n  threshold  OOS recall  in-scope acc (rejected = wrong)  in-scope rejected');
for (const t of SWEEP) {
  const oos = pct(count(outOfScope, (p) => p.confidence < t), outOfScope.length);
  const kept = pct(count(inScope, (p) => p.correct && p.confidence >= t), inScope.length);
  const rejected = pct(count(inScope, (p) => p.confidence < t), inScope.length);
  console.log(`  ${t.toFixed(2).padStart(9)}  ${oos.padStart(10)}  ${kept.padStart(31)}  ${rejected.padStart(17)}`);
}

const versus = Object.entries(BASELINES).map(([name, score]) => `${name} ${score}% (${accuracy - score >= 0 ? '+' : ''}${(accuracy - score).toFixed(1)})`);
console.log(`\n  in-scope accuracy vs published (Larson et al. 2019): ${versus.join(', ')}`);
