import { type CompiledFlow, compileFlow, type FlowDefinition } from './flow/index.js';
import type { FlowStore } from './flow-store.js';
import type { SubflowSource } from './subflows.js';

const CAPACITY = 200;

/**
 * Published versions never change, so a compiled version (conditions and templates parsed once)
 * can be kept for the life of the process. Keyed by tenant too: flow ids are unique, but the
 * tenant in the key makes a cross-tenant hit impossible by construction. It is also where turns
 * find the flows that `flow` states call, always within the turn's tenant.
 */
export function createCompiledFlows(deps: { flows: FlowStore }) {
  const cache = new Map<string, CompiledFlow>();
  const remember = (key: string, definition: FlowDefinition): CompiledFlow => {
    const compiled = compileFlow(definition);
    if (cache.size >= CAPACITY) cache.delete(cache.keys().next().value!);
    cache.set(key, compiled);
    return compiled;
  };
  const get = async (tenantId: string, flowId: string, version: number): Promise<CompiledFlow> => {
    const key = `${tenantId}:${flowId}@${version}`;
    return cache.get(key) ?? remember(key, await deps.flows.definitionOf(tenantId, flowId, version));
  };
  const subflows: SubflowSource = {
    get,
    async find(tenantId, name, version) {
      const found = await deps.flows.publishedByName(tenantId, name, version);
      const key = `${tenantId}:${found.flowId}@${found.version}`;
      return { flowId: found.flowId, version: found.version, compiled: cache.get(key) ?? remember(key, found.definition) };
    },
  };
  return { get, subflows };
}

export type CompiledFlows = ReturnType<typeof createCompiledFlows>;
