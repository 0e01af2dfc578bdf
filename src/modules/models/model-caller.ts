import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { ProviderDirectory, ResolvedProvider } from './provider-directory.js';
import type { ChatRequest } from './providers/provider.js';
import { ProviderCallError, type ProviderErrorCode } from './providers/provider-error.js';
import { providerDefinition } from './providers/registry.js';
import { costOf } from './pricing.js';
import { cacheKey, type ResponseCache } from './response-cache.js';
import { type RetryPolicy, retryDelay } from './retry.js';
import type { ModelTarget, ModelTask, ModelUsage } from './settings-contract.js';

export interface CallerDeps {
  directory: ProviderDirectory;
  cache: ResponseCache;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  logger: Logger;
  policy: RetryPolicy;
  timeoutMs: number;
}

/** One task to run on a chain of targets: how to ask each model, and which answers to accept. */
export interface TaskCall<T> {
  tenantId: string;
  task: ModelTask;
  targets: readonly ModelTarget[];
  resolve: (name: string) => ResolvedProvider | null;
  request: (model: string) => ChatRequest;
  /** Validates an answer; null or a `rejection` refuses it (it is never trusted, and never cached). */
  accept: (text: string) => T | Rejection | null;
}

const REJECTED = Symbol('rejected');
/** A refused answer with the reason, which reaches the bot builder's trace through the usage entry. */
export interface Rejection {
  [REJECTED]: string;
}
export const rejection = (reason: string): Rejection => ({ [REJECTED]: reason });
const isRejection = (value: unknown): value is Rejection => typeof value === 'object' && value !== null && REJECTED in value;
/** Why `accept` refused, when it said. */
export const rejectionReason = (value: unknown): string | null => (isRejection(value) ? value[REJECTED] : null);
const refusal = (value: unknown): string => {
  const reason = rejectionReason(value);
  return reason === null ? 'The answer failed validation and was rejected.' : `The answer was rejected: ${reason}`;
};

export interface TaskOutcome<T> {
  answer: { value: T; provider: string; model: string } | null;
  /** One entry per attempt, failed ones included. */
  usage: ModelUsage[];
}

type Attempt<T> = { kind: 'answer'; value: T } | { kind: 'next' };

/**
 * Runs a task down its fallback chain: per target, the cache, then attempts guarded by the
 * provider's circuit breaker, retried on 429/5xx/timeouts with backoff (honouring Retry-After).
 * The first accepted answer wins; a refused, failed or rejected target passes to the next.
 */
export async function callModels<T>(deps: CallerDeps, call: TaskCall<T>): Promise<TaskOutcome<T>> {
  const usage: ModelUsage[] = [];
  for (const target of call.targets) {
    const provider = call.resolve(target.provider);
    if (!provider) {
      usage.push(failed(call.task, target, 0, 'unknown_provider', `No provider named '${target.provider}' is configured.`));
      continue;
    }
    const request = call.request(target.model);
    const key = cacheKey({ provider: provider.name, endpoint: deps.directory.endpointOf(provider), task: call.task, request });
    const cached = await deps.cache.get(call.tenantId, key);
    const fromCache = cached ? call.accept(cached.text) : null;
    if (fromCache !== null && !isRejection(fromCache)) {
      usage.push({ ...succeeded(call.task, target, 0, 0, 0), cached: true });
      return { answer: { value: fromCache, provider: target.provider, model: target.model }, usage };
    }
    const attempt = await attemptTarget(deps, call, { provider, target, request, key }, usage);
    if (attempt.kind === 'answer') return { answer: { value: attempt.value, provider: target.provider, model: target.model }, usage };
  }
  return { answer: null, usage };
}

async function attemptTarget<T>(
  deps: CallerDeps,
  call: TaskCall<T>,
  at: { provider: ResolvedProvider; target: ModelTarget; request: ChatRequest; key: string },
  usage: ModelUsage[],
): Promise<Attempt<T>> {
  const { provider, target, request } = at;
  if (providerDefinition(provider.kind).requiresApiKey && !provider.apiKey) {
    usage.push(failed(call.task, target, 0, 'auth', `Provider '${provider.name}' has no API key; add one in the model settings.`));
    return { kind: 'next' };
  }
  const breaker = deps.directory.breaker(provider);
  for (let retry = 0; ; retry += 1) {
    if (!breaker.tryAcquire()) {
      usage.push(failed(call.task, target, 0, 'circuit_open', `Provider '${provider.name}' is failing; calls pause until it recovers.`));
      return { kind: 'next' };
    }
    const started = deps.clock.now();
    try {
      const response = await deps.directory.client(provider).chat(request, { timeoutMs: deps.timeoutMs });
      breaker.onSuccess();
      const latencyMs = deps.clock.now() - started;
      const value = call.accept(response.text);
      if (value === null || isRejection(value)) {
        usage.push({ ...succeeded(call.task, target, latencyMs, response.tokensIn, response.tokensOut), ok: false, error: { code: 'invalid_output', message: refusal(value) } });
        deps.logger.warn({ tenantId: call.tenantId, provider: provider.name, model: target.model, task: call.task }, 'model answer rejected');
        return { kind: 'next' };
      }
      await deps.cache.set(call.tenantId, at.key, response);
      usage.push(succeeded(call.task, target, latencyMs, response.tokensIn, response.tokensOut));
      return { kind: 'answer', value };
    } catch (thrown) {
      const error = thrown instanceof ProviderCallError ? thrown : new ProviderCallError('network', String(thrown));
      if (error.countsAgainstProvider) breaker.onFailure();
      else breaker.onNeutral();
      usage.push(failed(call.task, target, deps.clock.now() - started, error.code, error.message));
      const wait = error.retryable ? retryDelay(deps.policy, retry, deps.random, error.details.retryAfterMs) : null;
      deps.logger.warn({ tenantId: call.tenantId, provider: provider.name, model: target.model, task: call.task, code: error.code, retryInMs: wait }, 'model call failed');
      if (wait === null) return { kind: 'next' };
      await deps.sleep(wait);
    }
  }
}

function succeeded(task: ModelTask, target: ModelTarget, latencyMs: number, tokensIn: number, tokensOut: number): ModelUsage {
  const { costUsd, priced } = costOf(target.model, tokensIn, tokensOut);
  return { provider: target.provider, model: target.model, task, tokensIn, tokensOut, costUsd, priced, cached: false, latencyMs, ok: true };
}

function failed(task: ModelTask, target: ModelTarget, latencyMs: number, code: ProviderErrorCode, message: string): ModelUsage {
  return { ...succeeded(task, target, latencyMs, 0, 0), ok: false, error: { code, message } };
}
