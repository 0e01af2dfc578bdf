/** Reciprocal rank fusion's damping constant, as in Cormack et al. (2009). */
const K = 60;

/**
 * Reciprocal rank fusion: each list contributes 1 / (K + rank) to an item's score, so lists with
 * incomparable scores (BM25 and cosine) combine without calibration.
 */
export function fuseRanks(lists: readonly (readonly string[])[]): Map<string, number> {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.forEach((id, index) => scores.set(id, (scores.get(id) ?? 0) + 1 / (K + index + 1)));
  }
  return scores;
}
