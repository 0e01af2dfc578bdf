import type { AnswerResult, Citation, Knowledge } from '../knowledge/contract.js';
import type { Models } from '../models/contract.js';
import { runAgent, type AgentDeps } from './agent-loop.js';
import { searchTrace } from './agent-tools.js';
import type { HistoryEntry } from './conversation-history.js';
import type { EffectOutcome } from './effects.js';
import type { PendingEffect } from './flow/index.js';
import { usageToTrace } from './usage-trace.js';

interface At {
  tenantId: string;
  state: string | null;
  now: () => string;
  history: readonly HistoryEntry[];
}

/** "Sources: [1] Refund policy; [2] Shipping" under the answer, numbered as the model cited them. */
function withSources(answer: AnswerResult): string {
  if (answer.method === 'none' || answer.citations.length === 0) return answer.text;
  const number = (c: Citation) => answer.hits.findIndex((h) => h.citation.chunkId === c.chunkId) + 1;
  const names = [...new Map(answer.citations.map((c) => [answer.method === 'model' ? `[${number(c)}] ${c.sourceName}` : c.sourceName, true])).keys()];
  return `${answer.text}\n\n${names.length > 1 ? 'Sources' : 'Source'}: ${names.join('; ')}`;
}

export async function performAnswer(deps: { models: Models; knowledge?: Knowledge }, at: At, effect: Extract<PendingEffect, { kind: 'answer' }>): Promise<EffectOutcome> {
  const now = at.now;
  if (!deps.knowledge || !effect.question.trim()) {
    const error = { code: deps.knowledge ? 'no_question' : 'no_knowledge_base', message: deps.knowledge ? 'The message has no text to look up.' : 'This engine runs without a knowledge base.' };
    return { event: { type: 'effect_result', effectId: effect.id, ok: false, error, now: now() }, calls: [] };
  }
  const answer = await deps.knowledge.answer(at.tenantId, {
    question: effect.question.slice(0, 1_000),
    limit: effect.limit,
    ...(effect.instructions ? { instructions: effect.instructions.slice(0, 2_000) } : {}),
    ...(effect.noAnswer ? { noAnswer: effect.noAnswer } : {}),
    history: at.history.slice(0, -1).slice(-effect.history),
  });
  const calls = [
    searchTrace(at.state, effect.question, { hits: answer.hits, mode: answer.hits.some((h) => h.vector) ? 'hybrid' : 'bm25' }, now(), answer.method),
    ...usageToTrace(answer.usage, at.state, now()),
  ];
  const value = { text: withSources(answer), method: answer.method, citations: answer.citations };
  return { event: { type: 'effect_result', effectId: effect.id, ok: true, value, now: now() }, calls };
}

export async function performAgent(deps: AgentDeps, at: At, effect: Extract<PendingEffect, { kind: 'agent' }>): Promise<EffectOutcome> {
  const { value, trace } = await runAgent(deps, at, effect, at.history);
  return { event: { type: 'effect_result', effectId: effect.id, ok: true, value, now: at.now() }, calls: trace };
}
