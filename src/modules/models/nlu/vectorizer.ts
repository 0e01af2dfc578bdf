import { extractFeatures, type BlockFeatures, type FeatureBlock } from './text-features.js';

/**
 * TF-IDF over the feature blocks: sublinear tf, smoothed idf, each block L2-normalised on its own
 * and then scaled by its weight, so a long run of char grams cannot drown the word features.
 */

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export type BlockWeights = Record<FeatureBlock, number>;

export interface Vectorizer {
  readonly size: number;
  vectorize(text: string): SparseVector;
}

const BLOCKS: readonly FeatureBlock[] = ['word', 'bigram', 'char'];

export function fitVectorizer(texts: readonly string[], weights: BlockWeights): Vectorizer {
  const vocabulary = new Map<string, number>();
  const documentFrequency: number[] = [];
  for (const text of texts) {
    const features = extractFeatures(text);
    for (const block of BLOCKS) {
      for (const name of features[block].keys()) {
        const key = `${block}|${name}`;
        let index = vocabulary.get(key);
        if (index === undefined) {
          index = vocabulary.size;
          vocabulary.set(key, index);
          documentFrequency.push(0);
        }
        documentFrequency[index] = (documentFrequency[index] ?? 0) + 1;
      }
    }
  }
  const idf = Float32Array.from(documentFrequency, (df) => Math.log((1 + texts.length) / (1 + df)) + 1);
  const unseenIdf = Math.log(1 + texts.length) + 1;
  return {
    size: vocabulary.size,
    vectorize: (text) => toVector(extractFeatures(text), { vocabulary, idf, unseenIdf, weights }),
  };
}

interface Fitted {
  vocabulary: Map<string, number>;
  idf: Float32Array;
  unseenIdf: number;
  weights: BlockWeights;
}

function toVector(features: BlockFeatures, fitted: Fitted): SparseVector {
  const indices: number[] = [];
  const values: number[] = [];
  for (const block of BLOCKS) {
    const start = values.length;
    let norm = 0;
    for (const [name, count] of features[block]) {
      const index = fitted.vocabulary.get(`${block}|${name}`);
      // Unseen features still count in the norm (at the rarest idf): text that is mostly unknown
      // must keep little weight on the few features it shares with the training set.
      const value = (1 + Math.log(count)) * (index === undefined ? fitted.unseenIdf : (fitted.idf[index] ?? 1));
      norm += value * value;
      if (index === undefined) continue;
      indices.push(index);
      values.push(value);
    }
    const scale = norm > 0 ? fitted.weights[block] / Math.sqrt(norm) : 0;
    for (let i = start; i < values.length; i++) values[i] = (values[i] as number) * scale;
  }
  return { indices: Int32Array.from(indices), values: Float32Array.from(values) };
}
