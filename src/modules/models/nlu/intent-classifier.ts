import { softmaxFrom, trainSoftmax, type SoftmaxState } from './softmax-regression.js';
import { fitVectorizerState, vectorizerBuffers, vectorizerFrom, type BlockWeights, type VectorizerState } from './vectorizer.js';

/**
 * The offline intent classifier: TF-IDF features (stemmed words, word bigrams, char n-grams) and a
 * softmax regression with a "none" logit, trained from a flow's example utterances. One set of
 * defaults serves every flow: it was chosen on three public data sets (CLINC150, Banking77,
 * HWU64; `npm run bench:nlu`) and checked against small bot flows in the unit tests.
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

/**
 * A trained classifier as plain data: strings, numbers and typed arrays. Training can run in a
 * worker thread and hand this over by transferring its buffers (`intentModelBuffers`); the
 * classifier is rebuilt from it where it serves.
 */
export interface IntentModel {
  intents: string[];
  vectorizer: VectorizerState;
  softmax: SoftmaxState;
  temperature: number;
  noneLogit: number;
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
  charMin?: number;
  charMax?: number;
  /** Features seen in fewer training texts are dropped; by default 2 from `PRUNE_FROM` examples on. */
  minDf?: number;
  /** Fewest and most passes over the data when `epochs` is not given. */
  minEpochs?: number;
  maxEpochs?: number;
  /** Called after each epoch, for progress output. */
  onProgress?: (done: number, total: number) => void;
}

const DEFAULTS = {
  seed: 42,
  learningRate: 2,
  l2: 1e-6,
  temperature: 1,
  noneLogit: 1,
  blockWeights: { word: 1, bigram: 1, char: 1 } satisfies BlockWeights,
  charMin: 3,
  charMax: 5,
  minEpochs: 10,
  maxEpochs: 400,
};
/**
 * From this many examples on, features seen in a single text (mostly typos and one-off char
 * grams) are dropped: they halve the model's memory on large flows and cost no accuracy there.
 * Small flows keep them all, since there one example may be all an intent has.
 */
const PRUNE_FROM = 1000;
/** Enough SGD updates for a tiny flow to converge; big sets reach this in a few epochs. */
const MIN_UPDATES = 4000;

export function trainIntentClassifier(examples: Record<string, string[]>, options: TrainOptions = {}): IntentClassifier {
  return intentClassifierFrom(trainIntentModel(examples, options));
}

export function trainIntentModel(examples: Record<string, string[]>, options: TrainOptions = {}): IntentModel {
  // By name, not in the order given: the engine stores flows as jsonb, which reorders object keys,
  // and SGD's path depends on the order of the training texts. Sorted, the model a flow gets over
  // the API is the one trained from the same examples anywhere else.
  const intents = Object.keys(examples).sort();
  const texts: string[] = [];
  const labels: number[] = [];
  for (const [label, intent] of intents.entries()) {
    for (const text of new Set(examples[intent] ?? [])) {
      texts.push(text);
      labels.push(label);
    }
  }
  const vectorizer = fitVectorizerState(texts, {
    weights: { ...DEFAULTS.blockWeights, ...options.blockWeights },
    charMin: options.charMin ?? DEFAULTS.charMin,
    charMax: options.charMax ?? DEFAULTS.charMax,
    minDf: options.minDf ?? (texts.length >= PRUNE_FROM ? 2 : 1),
  });
  const vectorize = vectorizerFrom(vectorizer);
  const minEpochs = options.minEpochs ?? DEFAULTS.minEpochs;
  const maxEpochs = options.maxEpochs ?? DEFAULTS.maxEpochs;
  const epochs = options.epochs ?? Math.min(maxEpochs, Math.max(minEpochs, Math.ceil(MIN_UPDATES / Math.max(1, texts.length))));
  const softmax = trainSoftmax(
    { vectors: texts.map((t) => vectorize.vectorize(t)), labels: Int32Array.from(labels), classes: intents.length, features: vectorize.size },
    {
      epochs,
      learningRate: options.learningRate ?? DEFAULTS.learningRate,
      l2: options.l2 ?? DEFAULTS.l2,
      noneLogit: options.noneLogit ?? DEFAULTS.noneLogit,
      seed: options.seed ?? DEFAULTS.seed,
      onEpoch: options.onProgress,
    },
  );
  return {
    intents,
    vectorizer,
    softmax,
    temperature: options.temperature ?? DEFAULTS.temperature,
    noneLogit: options.noneLogit ?? DEFAULTS.noneLogit,
  };
}

/** The buffers to transfer with a model: after the transfer the sender's copy is empty. */
export function intentModelBuffers(model: IntentModel): ArrayBufferLike[] {
  return [...vectorizerBuffers(model.vectorizer), model.softmax.weights.buffer];
}

export function intentClassifierFrom(model: IntentModel): IntentClassifier {
  const { intents, temperature, noneLogit } = model;
  const vectorizer = vectorizerFrom(model.vectorizer);
  const softmax = softmaxFrom(model.softmax);
  const logits = new Float64Array(intents.length);
  return {
    intents,
    classify(text) {
      softmax.logitsInto(vectorizer.vectorize(typeof text === 'string' ? text : ''), logits);
      return rank(intents, logits, temperature, noneLogit);
    },
  };
}

function rank(intents: readonly string[], logits: Float64Array, temperature: number, noneLogit: number): IntentRanking {
  const none = noneLogit / temperature;
  let max = none;
  for (const z of logits) max = Math.max(max, z / temperature);
  let sum = Math.exp(none - max);
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] as number) / temperature - max);
    logits[i] = e;
    sum += e;
  }
  const ranking = intents.map((name, i) => ({ name, confidence: (logits[i] as number) / sum }));
  ranking.sort((a, b) => b.confidence - a.confidence);
  return { ranking };
}
