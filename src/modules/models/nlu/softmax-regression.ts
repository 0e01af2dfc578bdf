import { createPrng, shuffle } from './prng.js';
import type { SparseVector } from './vectorizer.js';

/**
 * Multinomial logistic regression on sparse vectors, trained by SGD with L2 decay.
 *
 * There is no bias term and the softmax has one extra, constant "none" logit: a text that shares
 * no features with the training set scores 0 for every intent and so loses to "none". Training
 * has to lift each intent's score clear of it, which is what gives confidence a meaning even for
 * a bot with a single intent, where a plain softmax would always answer 1.
 */

export interface SoftmaxOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  noneLogit: number;
  seed: number;
  onEpoch?: (done: number, total: number) => void;
}

export interface SoftmaxModel {
  readonly classes: number;
  /** Raw per-class scores (logits), before temperature and the "none" logit. */
  logits(x: SparseVector): Float64Array;
}

export interface TrainingSet {
  vectors: readonly SparseVector[];
  labels: Int32Array;
  classes: number;
  features: number;
}

/** Below this, an update would only move weights by rounding noise; skipping it saves most work. */
const MIN_GRADIENT = 1e-4;

export function trainSoftmax(data: TrainingSet, options: SoftmaxOptions): SoftmaxModel {
  const { classes: k } = data;
  const weights = new Float32Array(data.features * k);
  const random = createPrng(options.seed);
  const order = Array.from(data.labels.keys());
  const z = new Float64Array(k);
  const gradient = new Float64Array(k);
  const active = new Int32Array(k);
  // Weights are stored as scale * weights so L2 decay is one multiply, not a pass over the matrix.
  let scale = 1;
  const steps = options.epochs * order.length;
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    for (const n of order) {
      const x = data.vectors[n] as SparseVector;
      const rate = options.learningRate * (1 - step / steps) + 1e-4;
      step++;
      scoreInto(z, weights, x, k, scale);
      const activeCount = softmaxGradient(z, data.labels[n] as number, options.noneLogit, gradient, active);
      scale *= 1 - rate * options.l2;
      if (scale < 1e-6) {
        for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] as number) * scale;
        scale = 1;
      }
      const factor = rate / scale;
      for (let j = 0; j < x.indices.length; j++) {
        const row = (x.indices[j] as number) * k;
        const xv = (x.values[j] as number) * factor;
        for (let a = 0; a < activeCount; a++) {
          const c = active[a] as number;
          weights[row + c] = (weights[row + c] as number) - xv * (gradient[c] as number);
        }
      }
    }
    options.onEpoch?.(epoch + 1, options.epochs);
  }
  for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] as number) * scale;
  return {
    classes: k,
    logits: (x) => {
      const out = new Float64Array(k);
      scoreInto(out, weights, x, k, 1);
      return out;
    },
  };
}

function scoreInto(z: Float64Array, weights: Float32Array, x: SparseVector, k: number, scale: number): void {
  z.fill(0);
  for (let j = 0; j < x.indices.length; j++) {
    const row = (x.indices[j] as number) * k;
    const xv = x.values[j] as number;
    for (let c = 0; c < k; c++) z[c] = (z[c] as number) + (weights[row + c] as number) * xv;
  }
  if (scale !== 1) for (let c = 0; c < k; c++) z[c] = (z[c] as number) * scale;
}

/** Writes p - y into `gradient` and the classes worth updating into `active`; returns their count. */
function softmaxGradient(z: Float64Array, label: number, noneLogit: number, gradient: Float64Array, active: Int32Array): number {
  let max = noneLogit;
  for (const v of z) max = Math.max(max, v);
  let sum = Math.exp(noneLogit - max);
  for (let c = 0; c < z.length; c++) {
    const e = Math.exp((z[c] as number) - max);
    gradient[c] = e;
    sum += e;
  }
  let count = 0;
  for (let c = 0; c < z.length; c++) {
    const g = (gradient[c] as number) / sum - (c === label ? 1 : 0);
    gradient[c] = g;
    if (Math.abs(g) >= MIN_GRADIENT) active[count++] = c;
  }
  return count;
}
