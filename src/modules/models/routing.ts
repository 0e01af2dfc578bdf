import type { ModelsConfig } from './model-config.js';
import type { ResolvedProvider } from './provider-directory.js';
import { MODEL_TASKS, type ModelRouting, type ModelTarget, type ModelTask } from './settings-contract.js';

export type EffectiveRouting = Required<ModelRouting> & { tasks: Record<ModelTask, ModelTarget[]> };

/**
 * What an installation does without tenant settings: intent (through the cascade) and response
 * generation go to the configured providers, OpenAI first and Anthropic as its fallback. Entity
 * extraction and sentiment stay offline unless a tenant routes them, since they would call the LLM on every message.
 */
export function installationRouting(config: ModelsConfig, installed: readonly ResolvedProvider[]): EffectiveRouting {
  const chain = installed.map((p) => ({ provider: p.name, model: p.defaultModel ?? '' })).filter((t) => t.model !== '');
  return { cascadeThreshold: config.cascadeThreshold, tasks: { intent: chain, entities: [], generate: chain, sentiment: [] } };
}

/** Layers routings task by task: a later layer's task replaces an earlier one's; absent tasks fall through. */
export function layerRouting(base: EffectiveRouting, ...layers: (ModelRouting | undefined)[]): EffectiveRouting {
  const result: EffectiveRouting = { cascadeThreshold: base.cascadeThreshold, tasks: { ...base.tasks } };
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.cascadeThreshold !== undefined) result.cascadeThreshold = layer.cascadeThreshold;
    for (const task of MODEL_TASKS) {
      const targets = layer.tasks?.[task];
      if (targets) result.tasks[task] = targets;
    }
  }
  return result;
}
