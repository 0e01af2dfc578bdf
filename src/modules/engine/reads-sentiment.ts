import type { CompiledFlow } from './flow/index.js';

const cache = new WeakMap<CompiledFlow, boolean>();

/**
 * Whether a flow reads `nlu.sentiment` anywhere (conditions, templates, agent goals): only then is
 * each message's sentiment analysed, which may be a billed model call when the tenant routes it.
 */
export function readsSentiment(flow: CompiledFlow): boolean {
  let reads = cache.get(flow);
  if (reads === undefined) {
    reads = JSON.stringify(flow.definition).includes('nlu.sentiment');
    cache.set(flow, reads);
  }
  return reads;
}
