import { createHash } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import type { Kv } from '../storage/contract.js';
import { LruCache } from './model-cache.js';
import type { ChatRequest, ChatResponse } from './providers/provider.js';

interface Entry {
  response: ChatResponse;
  expiresAt: number;
}

export interface ResponseCache {
  get(tenantId: string, key: string): Promise<ChatResponse | null>;
  set(tenantId: string, key: string, response: ChatResponse): Promise<void>;
}

/** The cache key of one call: a hash, so that neither message text nor prompts show up in Redis key names. */
export function cacheKey(parts: { provider: string; endpoint: string; task: string; request: ChatRequest }): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/**
 * Identical calls (same tenant, provider, model, task and prompt) answered again without spending
 * tokens: process memory first, then the shared Kv (Redis in server mode), so that instances
 * share answers. Only validated answers are stored. A Kv failure degrades to a miss.
 */
export function createResponseCache(deps: { kv: Kv | null; clock: Clock; ttlMs: number; size?: number }): ResponseCache {
  const memory = new LruCache<Entry>(deps.size ?? 1000);
  const kvKey = (tenantId: string, key: string) => `cache:models:${tenantId}:${key}`;

  return {
    async get(tenantId, key) {
      if (deps.ttlMs <= 0) return null;
      const local = memory.get(`${tenantId}:${key}`);
      if (local && local.expiresAt > deps.clock.now()) return local.response;
      const stored = deps.kv ? await deps.kv.get(kvKey(tenantId, key)).catch(() => null) : null;
      if (!stored) return null;
      const response = JSON.parse(stored) as ChatResponse;
      memory.set(`${tenantId}:${key}`, { response, expiresAt: deps.clock.now() + deps.ttlMs });
      return response;
    },
    async set(tenantId, key, response) {
      if (deps.ttlMs <= 0) return;
      memory.set(`${tenantId}:${key}`, { response, expiresAt: deps.clock.now() + deps.ttlMs });
      await deps.kv?.set(kvKey(tenantId, key), JSON.stringify(response), { ttlMs: deps.ttlMs }).catch(() => undefined);
    },
  };
}
