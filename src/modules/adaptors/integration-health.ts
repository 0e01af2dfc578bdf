import type { Clock } from '../../shared/clock.js';
import type { IntegrationStatus } from './contract.js';
import { CircuitBreaker, type BreakerOptions } from '../../shared/circuit-breaker.js';
import { LatencyWindow } from './resilience/latency-window.js';

/**
 * Health of one integration on this instance: its circuit breaker, recent latencies, last error.
 * In memory by design (one instance's view; each instance protects itself from a failing service),
 * keyed by tenant and integration id so no tenant sees or trips another's.
 */
export class IntegrationHealth {
  readonly breaker: CircuitBreaker;
  readonly latency = new LatencyWindow();
  reachable: boolean | null = null;
  lastError: { code: string; message: string; at: string } | null = null;
  lastSuccessAt: string | null = null;

  constructor(
    options: BreakerOptions,
    private readonly clock: Clock,
  ) {
    this.breaker = new CircuitBreaker(options, clock);
  }

  succeeded(latencyMs: number): void {
    this.latency.add(latencyMs);
    this.reachable = true;
    this.lastSuccessAt = this.clock.isoNow();
  }

  failed(error: { code: string; message: string }, reached: boolean, latencyMs: number | null): void {
    if (latencyMs !== null) this.latency.add(latencyMs);
    this.reachable = reached;
    this.lastError = { code: error.code, message: error.message, at: this.clock.isoNow() };
  }

  snapshot(integration: { id: string; name: string }): IntegrationStatus {
    return {
      integrationId: integration.id,
      name: integration.name,
      reachable: this.reachable,
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt,
      latencyMs: { p50: this.latency.percentile(50), p95: this.latency.percentile(95), samples: this.latency.count },
      circuit: this.breaker.state,
      scope: 'instance',
    };
  }
}

export function createHealthRegistry(options: BreakerOptions, clock: Clock) {
  const entries = new Map<string, IntegrationHealth>();
  const key = (tenantId: string, integrationId: string) => `${tenantId}:${integrationId}`;
  return {
    get(tenantId: string, integrationId: string): IntegrationHealth {
      let entry = entries.get(key(tenantId, integrationId));
      if (!entry) entries.set(key(tenantId, integrationId), (entry = new IntegrationHealth(options, clock)));
      return entry;
    },
    forget(tenantId: string, integrationId: string): void {
      entries.delete(key(tenantId, integrationId));
    },
  };
}
export type HealthRegistry = ReturnType<typeof createHealthRegistry>;
