import { BLOCKS, extractFeatures, type FeatureBlock, type FeatureOptions } from './text-features.js';

/**
 * TF-IDF over the feature blocks: sublinear tf, smoothed idf, each block L2-normalised on its own
 * and then scaled by its weight, so a long run of char grams cannot drown the word features.
 */

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export type BlockWeights = Record<FeatureBlock, number>;

export interface VectorizerOptions extends FeatureOptions {
  weights: BlockWeights;
  /** Features seen in fewer training texts are dropped: they are mostly typos and cost memory. */
  minDf: number;
}

export interface Vectorizer {
  readonly size: number;
  vectorize(text: string): SparseVector;
}

/** 30-bit keys stay small integers in V8, which keeps the vocabulary maps fast. */
const KEY_MASK = 0x3fffffff;

type Counts = Map<number, number>[];

// The counts the sink below fills: set per call, since extraction is synchronous. One sink for
// every call, rather than a closure per text, keeps a parse from allocating it.
let counting: Counts = [];
const countSink = (block: number, hash: number): void => {
  const map = counting[block] as Map<number, number>;
  const key = hash & KEY_MASK;
  map.set(key, (map.get(key) ?? 0) + 1);
};

function countFeatures(text: string, options: FeatureOptions, counts: Counts): void {
  for (const c of counts) c.clear();
  counting = counts;
  extractFeatures(text, options, countSink);
}

interface Vocabulary {
  /** Per block, feature key to column. */
  columns: Map<number, number>[];
  idf: Float32Array;
  /** The idf of a feature no training text had: it still counts in the norm. */
  unseenIdf: number;
}

function buildVocabulary(texts: readonly string[], options: VectorizerOptions): Vocabulary {
  const counts: Counts = BLOCKS.map(() => new Map());
  const df: Map<number, number>[] = BLOCKS.map(() => new Map());
  for (const text of texts) {
    countFeatures(text, options, counts);
    for (let b = 0; b < BLOCKS.length; b++) {
      const blockDf = df[b] as Map<number, number>;
      for (const key of (counts[b] as Map<number, number>).keys()) blockDf.set(key, (blockDf.get(key) ?? 0) + 1);
    }
  }
  const columns: Map<number, number>[] = BLOCKS.map(() => new Map());
  const idfs: number[] = [];
  for (let b = 0; b < BLOCKS.length; b++) {
    for (const [key, n] of df[b] as Map<number, number>) {
      if (n < options.minDf) continue;
      (columns[b] as Map<number, number>).set(key, idfs.length);
      idfs.push(Math.log((1 + texts.length) / (1 + n)) + 1);
    }
  }
  return { columns, idf: Float32Array.from(idfs), unseenIdf: Math.log(1 + texts.length) + 1 };
}

/**
 * A fitted vectoriser as plain data: typed arrays and numbers only, so it crosses a worker-thread
 * boundary by transferring its buffers. Each block's vocabulary is two parallel arrays, feature key
 * and column.
 */
export interface VectorizerState {
  keys: Int32Array[];
  columns: Int32Array[];
  idf: Float32Array;
  unseenIdf: number;
  charMin: number;
  charMax: number;
  weights: Float64Array;
}

export function fitVectorizerState(texts: readonly string[], options: VectorizerOptions): VectorizerState {
  const { columns, idf, unseenIdf } = buildVocabulary(texts, options);
  return {
    keys: columns.map((block) => Int32Array.from(block.keys())),
    columns: columns.map((block) => Int32Array.from(block.values())),
    idf,
    unseenIdf,
    charMin: options.charMin,
    charMax: options.charMax,
    weights: Float64Array.from(BLOCKS.map((b) => options.weights[b])),
  };
}

export function vectorizerBuffers(state: VectorizerState): ArrayBufferLike[] {
  return [...state.keys, ...state.columns, state.idf, state.weights].map((a) => a.buffer);
}

/** Built apart from the vocabulary pass, so the trained vectoriser keeps none of its scratch state. */
export function vectorizerFrom(state: VectorizerState): Vectorizer {
  const { idf, unseenIdf, weights } = state;
  const columns = BLOCKS.map((_, b) => {
    const keys = state.keys[b] as Int32Array;
    const cols = state.columns[b] as Int32Array;
    const map = new Map<number, number>();
    for (let i = 0; i < keys.length; i++) map.set(keys[i] as number, cols[i] as number);
    return map;
  });
  const features = { charMin: state.charMin, charMax: state.charMax };
  const counts: Counts = BLOCKS.map(() => new Map());
  // Scratch space reused by every call: vectorising is synchronous and on the hot path.
  const indices = new Int32Array(4096);
  const values = new Float32Array(4096);

  return {
    size: idf.length,
    vectorize(text) {
      countFeatures(text, features, counts);
      let length = 0;
      for (let b = 0; b < BLOCKS.length; b++) {
        const blockColumns = columns[b] as Map<number, number>;
        const start = length;
        let norm = 0;
        for (const [key, count] of counts[b] as Map<number, number>) {
          const index = blockColumns.get(key);
          // Unseen features still count in the norm (at the rarest idf): text that is mostly
          // unknown must keep little weight on the few features it shares with the training set.
          const value = (1 + Math.log(count)) * (index === undefined ? unseenIdf : (idf[index] as number));
          norm += value * value;
          if (index === undefined || length === indices.length) continue;
          indices[length] = index;
          values[length++] = value;
        }
        const scale = norm > 0 ? (weights[b] as number) / Math.sqrt(norm) : 0;
        for (let i = start; i < length; i++) values[i] = (values[i] as number) * scale;
      }
      return { indices: indices.slice(0, length), values: values.slice(0, length) };
    },
  };
}
