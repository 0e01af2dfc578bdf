import { type CompiledFlow, compileFlow } from './flow/index.js';
import type { FlowStore } from './flow-store.js';

const CAPACITY = 200;

/**
 * Published versions never change, so a compiled version (conditions and templates parsed once)
 * can be kept for the life of the process. Keyed by tenant too: flow ids are unique, but the
 * tenant in the key makes a cross-tenant hit impossible by construction.
 */
export function createCompiledFlows(deps: { flows: FlowStore }) {
  const cache = new Map<string, CompiledFlow>();
  return {
    async get(tenantId: string, flowId: string, version: number): Promise<CompiledFlow> {
      const key = `${tenantId}:${flowId}@${version}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const compiled = compileFlow(await deps.flows.definitionOf(tenantId, flowId, version));
      if (cache.size >= CAPACITY) cache.delete(cache.keys().next().value!);
      cache.set(key, compiled);
      return compiled;
    },
  };
}

export type CompiledFlows = ReturnType<typeof createCompiledFlows>;
