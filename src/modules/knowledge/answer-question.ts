import type { Models } from '../models/contract.js';
import { bestPassage } from './best-passage.js';
import type { AnswerInput, AnswerResult, Citation, SearchHit, SearchResult } from './contract.js';

export const DEFAULT_NO_ANSWER = "Sorry, I couldn't find that in our documents.";
/** What the model says when the passages do not hold the answer; never shown to the user. */
const NO_ANSWER_MARK = 'NO_ANSWER';

const GROUNDING = [
  "Answer the customer's question using only the numbered passages in the conversation data.",
  'Cite the passages you used with their numbers in square brackets, like [1].',
  `If the passages do not contain the answer, reply with exactly ${NO_ANSWER_MARK} and nothing else. Never guess or use outside knowledge.`,
].join(' ');

/** The passages the answer cites: those named as [n], else the best one. */
function cited(text: string, hits: readonly SearchHit[]): Citation[] {
  const numbers = new Set([...text.matchAll(/\[(\d{1,2})\]/g)].map((m) => Number(m[1])));
  const named = hits.filter((_, i) => numbers.has(i + 1)).map((h) => h.citation);
  return named.length > 0 ? named : hits.slice(0, 1).map((h) => h.citation);
}

function quotePassage(input: AnswerInput, search: SearchResult, note?: string): AnswerResult {
  const top = search.hits[0]!;
  const passage = bestPassage(input.question, top);
  const citation = { ...top.citation, start: passage.start, end: passage.end };
  return { text: passage.text, method: 'passage', citations: [citation], hits: search.hits, usage: [], ...(note ? { note } : {}) };
}

/**
 * A grounded reply: the tenant's model answers from the passages found and cites them; without a
 * model (or when it fails) the best passage is quoted; when nothing relevant was found, or the
 * model says the passages do not answer, the builder's "no answer" text. Nothing is invented.
 */
export async function answerQuestion(models: Models, tenantId: string, input: AnswerInput, search: SearchResult): Promise<AnswerResult> {
  const noAnswer = (note: string, usage: AnswerResult['usage'] = []): AnswerResult => ({ text: input.noAnswer ?? DEFAULT_NO_ANSWER, method: 'none', citations: [], hits: search.hits, usage, note });
  if (!search.relevant || search.hits.length === 0) return noAnswer('nothing relevant was found');
  const instructions = input.instructions ? `${GROUNDING}\n\n${input.instructions}` : GROUNDING;
  const passages = search.hits.map((h, i) => ({ n: i + 1, source: h.citation.sourceName, text: h.text }));
  const generated = await models.generate(tenantId, { instructions, scope: { question: input.question, passages }, ...(input.history ? { history: input.history } : {}) });
  const usage = generated.usage;
  if (!generated.ok) return { ...quotePassage(input, search, generated.error.message), usage };
  if (generated.text.includes(NO_ANSWER_MARK)) return noAnswer('the model found no answer in the passages', usage);
  return { text: generated.text, method: 'model', citations: cited(generated.text, search.hits), hits: search.hits, usage };
}
