import { DEFAULT_NLU_THRESHOLD, type ExtractedEntity, FALLBACK_INTENT, type IntentScore, type NluResult, type ParseInput } from './contract.js';
import { callModels, type CallerDeps } from './model-caller.js';
import type { OfflineNlu } from './offline-nlu.js';
import type { ResolvedProvider } from './provider-directory.js';
import type { EffectiveRouting } from './routing.js';
import type { ModelUsage } from './settings-contract.js';
import { entitiesTask, llmExtractable } from './tasks/entities-task.js';
import { intentTask } from './tasks/intent-task.js';

export const OFFLINE_PROVIDER = 'offline';

/** What one parse needs: the offline models, the caller, and the tenant's routing and providers. */
export interface ParseContext {
  offline: OfflineNlu;
  caller: CallerDeps;
  routing: EffectiveRouting;
  resolve: (name: string) => ResolvedProvider | null;
}

/**
 * The cascade: the offline classifier first; an LLM only when its top confidence is under the
 * cascade threshold. Whatever decides, the flow's threshold turns a weak answer into `fallback`.
 * Entities: the offline extractors, then an LLM (when routed) for the entities they missed.
 * Any LLM failure or rejected answer leaves the offline answer in place.
 */
export async function parseMessage(ctx: ParseContext, tenantId: string, input: ParseInput): Promise<NluResult> {
  const started = ctx.caller.clock.now();
  const offline = await ctx.offline.parse(tenantId, input);
  const usage: ModelUsage[] = [offlineUsage(ctx.caller.clock.now() - started)];
  let best: IntentScore | undefined = offline.ranking[0];
  let provider = OFFLINE_PROVIDER;

  const intents = input.nlu.intents ?? {};
  const intentTargets = ctx.routing.tasks.intent;
  const unsure = (best?.confidence ?? 0) < ctx.routing.cascadeThreshold;
  if (unsure && intentTargets.length > 0 && Object.keys(intents).length > 0 && input.text.trim()) {
    const task = intentTask(intents, input.text);
    const outcome = await callModels(ctx.caller, { tenantId, task: 'intent', targets: intentTargets, resolve: ctx.resolve, ...task });
    usage.push(...outcome.usage);
    if (outcome.answer) {
      best = outcome.answer.value;
      provider = outcome.answer.provider;
    }
  }

  const entities = await withLlmEntities(ctx, tenantId, input, offline.entities, usage);
  const threshold = input.nlu.threshold ?? DEFAULT_NLU_THRESHOLD;
  // A fallback keeps the best intent's confidence, so traces show how close the miss was.
  const intent =
    best && best.name !== FALLBACK_INTENT && best.confidence >= threshold
      ? { name: best.name, confidence: best.confidence }
      : { name: FALLBACK_INTENT, confidence: best?.confidence ?? 0 };
  return { intent, alternatives: offline.ranking.slice(0, 5), entities, provider, usage };
}

async function withLlmEntities(
  ctx: ParseContext,
  tenantId: string,
  input: ParseInput,
  found: ExtractedEntity[],
  usage: ModelUsage[],
): Promise<ExtractedEntity[]> {
  const targets = ctx.routing.tasks.entities;
  const definitions = input.nlu.entities ?? {};
  const missing = Object.fromEntries(
    Object.entries(definitions).filter(([name, definition]) => llmExtractable(definition) && !found.some((e) => e.entity === name)),
  );
  if (targets.length === 0 || Object.keys(missing).length === 0 || !input.text.trim()) return found;
  const task = entitiesTask(missing, input.text);
  const outcome = await callModels(ctx.caller, { tenantId, task: 'entities', targets, resolve: ctx.resolve, ...task });
  usage.push(...outcome.usage);
  if (!outcome.answer) return found;
  return [...found, ...outcome.answer.value].sort((a, b) => a.start - b.start || b.end - a.end || a.entity.localeCompare(b.entity));
}

function offlineUsage(latencyMs: number): ModelUsage {
  return {
    provider: OFFLINE_PROVIDER,
    model: 'intent-classifier',
    task: 'intent',
    tokensIn: 0,
    tokensOut: 0,
    costUsd: 0,
    priced: true,
    cached: false,
    latencyMs,
    ok: true,
  };
}
