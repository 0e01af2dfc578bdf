import { describe, expect, it } from 'vitest';
import { bestPassage } from './best-passage.js';
import { chunkText } from './chunk-text.js';
import { fuseRanks } from './fuse-ranks.js';
import { tokenize } from './tokenize.js';

describe('chunkText', () => {
  it('packs paragraphs up to the size, overlaps the next chunk, and every offset points into the text', () => {
    const text = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} says something about topic ${i}.`).join('\n\n');
    const chunks = chunkText(text, { maxChars: 200, overlapChars: 40 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(200);
      expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
    }
    // Consecutive chunks share a little text, so an answer across a cut is still found whole.
    expect(chunks[1]!.start).toBeLessThan(chunks[0]!.end);
    expect(chunks.at(-1)!.text).toContain('Paragraph 29');
  });

  it('cuts a long paragraph at sentence ends, and a run-on text hard', () => {
    const long = 'One sentence here. '.repeat(30);
    expect(chunkText(long, { maxChars: 100, overlapChars: 0 }).every((c) => c.text.endsWith('.'))).toBe(true);
    expect(chunkText('x'.repeat(250), { maxChars: 100, overlapChars: 0 }).map((c) => c.text.length)).toEqual([100, 100, 50]);
    expect(chunkText('  \n\n  ')).toEqual([]);
  });
});

describe('tokenize, fusion and the best passage', () => {
  it('stems content words and drops stopwords', () => {
    expect(tokenize('How long do the refunds take?')).toEqual(['long', 'refund', 'take']);
  });

  it('fuses rankings by reciprocal rank: agreeing lists win', () => {
    const scores = fuseRanks([['a', 'b', 'c'], ['b', 'a']]);
    expect([...scores.entries()].sort((x, y) => y[1] - x[1]).map(([id]) => id)).toEqual(['a', 'b', 'c']);
    expect(scores.get('a')).toBeCloseTo(1 / 61 + 1 / 62);
  });

  it('quotes the sentence that shares most of the question, with its offsets in the source', () => {
    const text = 'Shipping is free over 50 euros. Refunds take five business days. Call us any time.';
    const hit = { citation: { sourceId: 's', sourceName: 'FAQ', url: null, chunkId: 'c', chunk: 0, start: 100, end: 100 + text.length }, text, score: 1, bm25: null, vector: null, coverage: 1 };
    const passage = bestPassage('How long do refunds take?', hit);
    expect(passage.text).toBe('Refunds take five business days.');
    expect(text.slice(passage.start - 100, passage.end - 100)).toBe(passage.text);
  });
});
