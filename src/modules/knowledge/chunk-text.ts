export interface TextChunk {
  text: string;
  /** Offsets in the document's text. */
  start: number;
  end: number;
}

export interface ChunkOptions {
  /** Target size; a paragraph longer than this is cut at sentence ends. */
  maxChars: number;
  /** Characters of the previous chunk repeated at the start of the next, so an answer across a cut is still found. */
  overlapChars: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxChars: 1_000, overlapChars: 150 };

interface Span {
  start: number;
  end: number;
}

/** Paragraphs (blank-line separated), and within a long one, sentences, as offset spans. */
function pieces(text: string, maxChars: number): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(/[^\n]+(?:\n(?!\s*\n)[^\n]*)*/g)) {
    const start = match.index;
    const end = start + match[0].length;
    if (match[0].trim() === '') continue;
    if (end - start <= maxChars) {
      spans.push({ start, end });
      continue;
    }
    let from = start;
    for (const sentence of match[0].matchAll(/[^.!?]+(?:[.!?]+\s*|$)/g)) {
      const sentenceEnd = start + sentence.index + sentence[0].length;
      // A "sentence" longer than a chunk (a table, a list without stops) is cut hard.
      while (sentenceEnd - from > maxChars) {
        spans.push({ start: from, end: from + maxChars });
        from += maxChars;
      }
      spans.push({ start: from, end: sentenceEnd });
      from = sentenceEnd;
    }
  }
  return spans;
}

/** Whitespace-trimmed chunk of text[start, end), with the offsets moved to match. */
function trimmed(text: string, start: number, end: number): TextChunk | null {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s]!)) s += 1;
  while (e > s && /\s/.test(text[e - 1]!)) e -= 1;
  return e > s ? { text: text.slice(s, e), start: s, end: e } : null;
}

/**
 * Packs paragraphs (Markdown sections, HTML blocks, PDF lines) into chunks of up to `maxChars`,
 * each starting with a little of the previous one. Offsets always point into `text`.
 */
export function chunkText(text: string, options: ChunkOptions = DEFAULT_CHUNKING): TextChunk[] {
  const chunks: TextChunk[] = [];
  let current: Span | null = null;
  const flush = () => {
    if (!current) return;
    const chunk = trimmed(text, current.start, current.end);
    if (chunk) chunks.push(chunk);
  };
  for (const piece of pieces(text, options.maxChars)) {
    if (current && piece.end - current.start <= options.maxChars) {
      current.end = piece.end;
      continue;
    }
    flush();
    // The overlap starts at a word boundary within the last `overlapChars` of the previous chunk.
    const prevEnd = current?.end ?? piece.start;
    let overlapStart = Math.max(current?.start ?? piece.start, prevEnd - options.overlapChars);
    while (overlapStart < prevEnd && !/\s/.test(text[overlapStart - 1] ?? ' ')) overlapStart += 1;
    const start: number = current && piece.end - overlapStart <= options.maxChars ? overlapStart : piece.start;
    current = { start, end: piece.end };
  }
  flush();
  return chunks;
}
