import type { Clock } from './clock.js';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before one probe call may try again. */
  cooldownMs: number;
}

/**
 * One remote service's circuit (an integration, a model provider endpoint): closed → (N
 * consecutive failures) → open → (cooldown) → half-open, where a single probe decides: success
 * closes it, failure opens it for another cooldown. While open, calls fail at once instead of piling
 * up on a service that is down. A class because it is lifecycle state.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probing = false;

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
  ) {}

  get state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    return this.clock.now() - this.openedAt >= this.options.cooldownMs ? 'half_open' : 'open';
  }

  /** Whether a call may go ahead now; in half-open only one probe at a time. */
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

  /** Milliseconds until a probe is allowed (0 unless open). */
  retryInMs(): number {
    return this.openedAt === null ? 0 : Math.max(0, this.options.cooldownMs - (this.clock.now() - this.openedAt));
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

  /** A call that ended without judging the service (bad input, our own limits): frees a probe slot. */
  onNeutral(): void {
    this.probing = false;
  }
}
