import { trainSoftmax } from './softmax-regression.js';
import { fitVectorizer, type BlockWeights, type SparseVector, type Vectorizer } from './vectorizer.js';

/**
 * The offline intent classifier: TF-IDF features and a softmax regression with a "none" logit,
 * trained from a flow's example utterances. Defaults were tuned on CLINC150 `val`
 * (see bench/nlu.ts) and checked against small bot flows in the unit tests.
 */

export interface IntentScoreEntry {
  name: string;
  confidence: number;
}

export interface IntentRanking {
  /** Every intent, most likely first; confidences are in [0, 1] and sum to at most 1. */
  ranking: IntentScoreEntry[];
}

export interface IntentClassifier {
  classify(text: string): IntentRanking;
  readonly intents: readonly string[];
}

export interface TrainOptions {
  seed?: number;
  /** Passes over the data; small sets get more so they see enough updates. */
  epochs?: number;
  learningRate?: number;
  l2?: number;
  /** Divides the logits before the softmax: higher means softer confidences. */
  temperature?: number;
  /** The constant logit of the implicit "none of these" class. */
  noneLogit?: number;
  blockWeights?: Partial<BlockWeights>;
  /** Called after each epoch, for progress output. */
  onProgress?: (done: number, total: number) => void;
}

const DEFAULTS = {
  seed: 42,
  learningRate: 3,
  l2: 1e-6,
  temperature: 1,
  noneLogit: 1,
  blockWeights: { word: 1, bigram: 1, char: 1 } satisfies BlockWeights,
};
/** Enough SGD updates for a tiny flow to converge; big sets reach this in a few epochs. */
const MIN_UPDATES = 4000;

export function trainIntentClassifier(examples: Record<string, string[]>, options: TrainOptions = {}): IntentClassifier {
  const intents = Object.keys(examples);
  const texts: string[] = [];
  const labels: number[] = [];
  for (const [label, intent] of intents.entries()) {
    for (const text of new Set(examples[intent] ?? [])) {
      texts.push(text);
      labels.push(label);
    }
  }
  const vectorizer = fitVectorizer(texts, { ...DEFAULTS.blockWeights, ...options.blockWeights });
  const epochs = options.epochs ?? Math.min(400, Math.max(20, Math.ceil(MIN_UPDATES / Math.max(1, texts.length))));
  const model = trainSoftmax(
    { vectors: texts.map((t) => vectorizer.vectorize(t)), labels: Int32Array.from(labels), classes: intents.length, features: vectorizer.size },
    {
      epochs,
      learningRate: options.learningRate ?? DEFAULTS.learningRate,
      l2: options.l2 ?? DEFAULTS.l2,
      noneLogit: options.noneLogit ?? DEFAULTS.noneLogit,
      seed: options.seed ?? DEFAULTS.seed,
      onEpoch: options.onProgress,
    },
  );
  const temperature = options.temperature ?? DEFAULTS.temperature;
  const noneLogit = options.noneLogit ?? DEFAULTS.noneLogit;
  return {
    intents,
    classify: (text) => rank(intents, model.logits(safeVector(vectorizer, text)), { temperature, noneLogit }),
  };
}

function safeVector(vectorizer: Vectorizer, text: unknown): SparseVector {
  return vectorizer.vectorize(typeof text === 'string' ? text : '');
}

function rank(intents: readonly string[], logits: Float64Array, calibration: { temperature: number; noneLogit: number }): IntentRanking {
  const scaled = Array.from(logits, (z) => z / calibration.temperature);
  const none = calibration.noneLogit / calibration.temperature;
  const max = Math.max(none, ...scaled);
  const exps = scaled.map((z) => Math.exp(z - max));
  const sum = exps.reduce((a, b) => a + b, Math.exp(none - max));
  const ranking = intents.map((name, i) => ({ name, confidence: (exps[i] ?? 0) / sum }));
  ranking.sort((a, b) => b.confidence - a.confidence);
  return { ranking };
}
