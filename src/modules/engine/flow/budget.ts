/**
 * What one turn may spend evaluating the builder's conditions and templates. A turn runs its states
 * synchronously, so without a shared budget ten states that each stay under a per-template limit
 * still hold the event loop (and every other tenant) for ten times that limit. CEL comprehension
 * steps and regex input are counted, which is deterministic; Liquid only offers a time limit per
 * render, so it gets what is left of the turn's milliseconds.
 */
export interface BudgetLimits {
  /** Iterations of CEL comprehensions (`all`, `exists`, `map`, `filter`…), nested ones included. */
  celSteps: number;
  /** List elements and characters that CEL's `+` may build (binds can double a list per level). */
  celItems: number;
  /** Characters that regular expressions may scan (RE2 is linear, so this bounds their time). */
  regexChars: number;
  /** Milliseconds of Liquid rendering. */
  liquidMs: number;
  /** Liquid's memory units (range elements, characters built by filters): a range is built before its loop runs. */
  liquidMemory: number;
}

/**
 * Each is roughly 50 to 100 ms of work at most (cel-js copies about 1 list element per µs), far
 * above what real flows use, so that no turn holds the event loop for long.
 */
export const TURN_LIMITS: BudgetLimits = { celSteps: 50_000, celItems: 100_000, regexChars: 1_000_000, liquidMs: 100, liquidMemory: 1_000_000 };

export class EvaluationBudget {
  private celSteps: number;
  private celItems: number;
  private regexChars: number;
  private liquidMs: number;
  private liquidMemory: number;
  /** What ran out first, for the trace; null while the turn is within budget. */
  exceeded: string | null = null;

  constructor(readonly limits: BudgetLimits = TURN_LIMITS) {
    this.celSteps = limits.celSteps;
    this.celItems = limits.celItems;
    this.regexChars = limits.regexChars;
    this.liquidMs = limits.liquidMs;
    this.liquidMemory = limits.liquidMemory;
  }

  private exhaust(what: string): false {
    this.exceeded ??= what;
    return false;
  }

  /** One comprehension iteration; false once the turn has none left. */
  spendCelStep(): boolean {
    if (this.exceeded) return false;
    this.celSteps -= 1;
    return this.celSteps >= 0 || this.exhaust(`CEL comprehensions ran more than ${this.limits.celSteps} iterations`);
  }

  /** What a CEL `+` built: elements of a list, characters of a string, 1 for a number. */
  spendCelItems(items: number): boolean {
    if (this.exceeded) return false;
    this.celItems -= items;
    return this.celItems >= 0 || this.exhaust(`CEL '+' built more than ${this.limits.celItems} list elements or characters`);
  }

  /** Scanning `chars` characters with a regular expression; false if that is more than is left. */
  spendRegex(chars: number): boolean {
    if (this.exceeded) return false;
    this.regexChars -= chars;
    return this.regexChars >= 0 || this.exhaust(`regular expressions scanned more than ${this.limits.regexChars} characters`);
  }

  /** Milliseconds Liquid may still use; 0 once anything ran out. */
  liquidLeftMs(): number {
    return this.exceeded ? 0 : Math.max(0, this.liquidMs);
  }

  /** Memory units a render is about to use; false if that is more than is left. */
  spendLiquidMemory(units: number): boolean {
    if (this.exceeded) return false;
    this.liquidMemory -= units;
    return this.liquidMemory >= 0 || this.exhaust(`Liquid templates built more than ${this.limits.liquidMemory} items or characters`);
  }

  spendLiquid(ms: number): void {
    this.liquidMs -= ms;
    if (this.liquidMs <= 0) this.exhaust(`Liquid templates rendered for more than ${this.limits.liquidMs} ms`);
  }
}

export const OVER_BUDGET = 'this turn has used up its evaluation budget';
