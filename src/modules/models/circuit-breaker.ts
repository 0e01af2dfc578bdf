import type { Clock } from '../../shared/clock.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe call is let through. */
  cooldownMs: number;
}

/**
 * A circuit breaker for one provider endpoint. Closed: calls pass and failures are counted. Open:
 * calls are refused until the cooldown ends. Half-open: a single probe passes; its success closes
 * the circuit, its failure opens it for another cooldown. A class because it is lifecycle state.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probing = false;

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.clock.now() - this.openedAt >= this.options.cooldownMs ? 'half_open' : 'open';
  }

  /** Whether a call may go out now; in half-open, only the first caller gets to probe. */
  tryAcquire(): boolean {
    switch (this.state) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half_open':
        if (this.probing) return false;
        this.probing = true;
        return true;
    }
  }

  onSuccess(): void {
    this.failures = 0;
    this.openedAt = null;
    this.probing = false;
  }

  onFailure(): void {
    this.failures += 1;
    if (this.probing || this.failures >= this.options.failureThreshold) this.openedAt = this.clock.now();
    this.probing = false;
  }

  /** A call that ended without a verdict on the provider (e.g. a 400): frees the probe slot. */
  onNeutral(): void {
    this.probing = false;
  }
}
