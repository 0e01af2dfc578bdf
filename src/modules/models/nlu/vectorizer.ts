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

/** Built apart from the vocabulary pass, so the trained vectoriser keeps none of its scratch state. */
export function fitVectorizer(texts: readonly string[], options: VectorizerOptions): Vectorizer {
  const { columns, idf, unseenIdf } = buildVocabulary(texts, options);
  const features = { charMin: options.charMin, charMax: options.charMax };
  const weights = BLOCKS.map((b) => options.weights[b]);
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
