import { createHash } from 'node:crypto';
import type { Kv } from '../storage/contract.js';
import type { ChatRequest, ChatResponse } from './providers/provider.js';

export interface ResponseCache {
  get(tenantId: string, key: string): Promise<ChatResponse | null>;
  set(tenantId: string, key: string, response: ChatResponse): Promise<void>;
}

/** The cache key of one call: a hash, so that neither message text nor prompts show up in Redis key names. */
export function cacheKey(parts: { provider: string; endpoint: string; task: string; request: ChatRequest }): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

const tenantPrefix = (tenantId: string) => `cache:models:${tenantId}:`;

/**
 * Drops every cached answer of a tenant, for a person's erasure: an answer may quote them, and a
 * hashed key cannot say whose conversation it came from. Returns how many were dropped.
 */
export const forgetCachedAnswers = (kv: Kv, tenantId: string): Promise<number> => kv.deleteMatching(tenantPrefix(tenantId));

/**
 * Identical calls (same tenant, provider, model, task and prompt) answered again without spending
 * tokens, from the shared Kv (Redis in server mode), so that instances share answers and an
 * erasure reaches every copy. Only here, not in process memory too: a model call takes hundreds of
 * milliseconds, a Redis read a fraction of one. Only validated answers are stored. A Kv failure
 * degrades to a miss.
 */
export function createResponseCache(deps: { kv: Kv; ttlMs: number }): ResponseCache {
  const kvKey = (tenantId: string, key: string) => `${tenantPrefix(tenantId)}${key}`;

  return {
    async get(tenantId, key) {
      if (deps.ttlMs <= 0) return null;
      const stored = await deps.kv.get(kvKey(tenantId, key)).catch(() => null);
      return stored ? (JSON.parse(stored) as ChatResponse) : null;
    },
    async set(tenantId, key, response) {
      if (deps.ttlMs <= 0) return;
      await deps.kv.set(kvKey(tenantId, key), JSON.stringify(response), { ttlMs: deps.ttlMs }).catch(() => undefined);
    },
  };
}
