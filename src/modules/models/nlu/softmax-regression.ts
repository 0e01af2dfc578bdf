import { createPrng, shuffle } from './prng.js';
import type { SparseVector } from './vectorizer.js';

/**
 * Multinomial logistic regression on sparse vectors, trained by SGD with L2 decay.
 *
 * There is no bias term and the softmax has one extra, constant "none" logit: a text that shares
 * no features with the training set scores 0 for every intent and so loses to "none". Training
 * has to lift each intent's score clear of it, which is what gives confidence a meaning even for
 * a bot with a single intent, where a plain softmax would always answer 1.
 *
 * Speed: scoring an example against every class is most of the work. After a full pass, each
 * example keeps the few classes that still take some probability from it; the passes in between
 * score only those, since the others would contribute next to nothing to the gradient. Every
 * `REFRESH_EVERY` passes all classes are scored again, so a class that creeps up is not missed.
 */

export interface SoftmaxOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  noneLogit: number;
  seed: number;
  onEpoch?: (done: number, total: number) => void;
}

/** A trained model as plain data (it crosses a worker-thread boundary): row-major `features × classes`. */
export interface SoftmaxState {
  classes: number;
  weights: Float32Array;
}

export interface SoftmaxModel {
  readonly classes: number;
  /** Raw per-class scores (logits), before temperature and the "none" logit, written into `out`. */
  logitsInto(x: SparseVector, out: Float64Array): void;
}

export interface TrainingSet {
  vectors: readonly SparseVector[];
  labels: Int32Array;
  classes: number;
  features: number;
}

/** Below this, an update would only move weights by rounding noise; skipping it saves most work. */
const MIN_GRADIENT = 1e-4;
/** A class keeps its place in an example's candidates while it takes at least this probability. */
const CANDIDATE_PROBABILITY = 1e-3;
const MAX_CANDIDATES = 24;
const FULL_PASSES = 2;
const REFRESH_EVERY = 3;

interface Weights {
  values: Float32Array;
  /** The matrix is stored as `scale * values`, so L2 decay is one multiply, not a pass over it. */
  scale: number;
}

function scoreAll(z: Float64Array, w: Float32Array, x: SparseVector, k: number): void {
  z.fill(0);
  for (let j = 0; j < x.indices.length; j++) {
    const row = (x.indices[j] as number) * k;
    const xv = x.values[j] as number;
    for (let c = 0; c < k; c++) z[c] = (z[c] as number) + (w[row + c] as number) * xv;
  }
}

function scoreSome(z: Float64Array, w: Float32Array, x: SparseVector, k: number, classes: Int32Array, count: number): void {
  for (let a = 0; a < count; a++) z[a] = 0;
  for (let j = 0; j < x.indices.length; j++) {
    const row = (x.indices[j] as number) * k;
    const xv = x.values[j] as number;
    for (let a = 0; a < count; a++) z[a] = (z[a] as number) + (w[row + (classes[a] as number)] as number) * xv;
  }
}

export function trainSoftmax(data: TrainingSet, options: SoftmaxOptions): SoftmaxState {
  const { classes: k, vectors, labels } = data;
  const n = vectors.length;
  const weights: Weights = { values: new Float32Array(data.features * k), scale: 1 };
  const random = createPrng(options.seed);
  const order = Array.from(labels.keys());
  const allClasses = Int32Array.from({ length: k }, (_, c) => c);
  const candidates = new Int32Array(n * MAX_CANDIDATES);
  const candidateCount = new Int32Array(n);
  const z = new Float64Array(k);
  const p = new Float64Array(k);
  const steps = options.epochs * n;
  let step = 0;

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const full = epoch < FULL_PASSES || epoch % REFRESH_EVERY === 0 || k <= MAX_CANDIDATES;
    shuffle(order, random);
    for (const i of order) {
      const x = vectors[i] as SparseVector;
      const label = labels[i] as number;
      const rate = options.learningRate * (1 - step / steps) + 1e-4;
      step++;
      let cls = allClasses;
      let count = k;
      if (!full) {
        cls = candidates.subarray(i * MAX_CANDIDATES, (i + 1) * MAX_CANDIDATES);
        count = candidateCount[i] as number;
      }
      const scale = weights.scale;
      if (full) scoreAll(z, weights.values, x, k);
      else scoreSome(z, weights.values, x, k, cls, count);
      // Softmax over the scored classes and the constant "none" logit.
      let max = options.noneLogit;
      for (let a = 0; a < count; a++) max = Math.max(max, (z[a] as number) * scale);
      let sum = Math.exp(options.noneLogit - max);
      for (let a = 0; a < count; a++) {
        const e = Math.exp((z[a] as number) * scale - max);
        p[a] = e;
        sum += e;
      }
      if (full) {
        // Keep the classes that still matter for this example, the true one always first.
        const base = i * MAX_CANDIDATES;
        let kept = 0;
        candidates[base + kept++] = label;
        for (let c = 0; c < k && kept < MAX_CANDIDATES; c++) {
          if (c !== label && (p[c] as number) / sum >= CANDIDATE_PROBABILITY) candidates[base + kept++] = c;
        }
        candidateCount[i] = kept;
      }
      weights.scale *= 1 - rate * options.l2;
      if (weights.scale < 1e-6) {
        const v = weights.values;
        for (let q = 0; q < v.length; q++) v[q] = (v[q] as number) * weights.scale;
        weights.scale = 1;
      }
      const factor = rate / weights.scale;
      const w = weights.values;
      for (let a = 0; a < count; a++) {
        const c = cls[a] as number;
        const g = (p[a] as number) / sum - (c === label ? 1 : 0);
        if (Math.abs(g) < MIN_GRADIENT) continue;
        const gf = g * factor;
        for (let j = 0; j < x.indices.length; j++) {
          const idx = (x.indices[j] as number) * k + c;
          w[idx] = (w[idx] as number) - (x.values[j] as number) * gf;
        }
      }
    }
    options.onEpoch?.(epoch + 1, options.epochs);
  }
  const w = weights.values;
  for (let q = 0; q < w.length; q++) w[q] = (w[q] as number) * weights.scale;
  return { classes: k, weights: w };
}

export function softmaxFrom(state: SoftmaxState): SoftmaxModel {
  const { classes: k, weights: w } = state;
  return {
    classes: k,
    logitsInto: (x, out) => scoreAll(out, w, x, k),
  };
}
