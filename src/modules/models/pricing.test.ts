import { describe, expect, it } from 'vitest';
import { costOf } from './pricing.js';

describe('costOf', () => {
  it('prices per million tokens in and out', () => {
    expect(costOf('gpt-4o-mini', 1_000_000, 1_000_000)).toEqual({ costUsd: 0.75, priced: true });
    expect(costOf('claude-3-5-haiku-20241022', 1000, 500)).toEqual({ costUsd: 0.0028, priced: true });
  });

  it('takes the longest listed prefix, so gpt-4o-mini is not priced as gpt-4o', () => {
    expect(costOf('gpt-4o-mini-2024-07-18', 1_000_000, 0).costUsd).toBe(0.15);
    expect(costOf('gpt-4o-2024-08-06', 1_000_000, 0).costUsd).toBe(2.5);
    expect(costOf('openai/gpt-4o', 1_000_000, 0).costUsd).toBe(2.5);
  });

  it('leaves unknown and self-hosted models unpriced', () => {
    expect(costOf('llama3.1:8b', 5000, 5000)).toEqual({ costUsd: 0, priced: false });
    expect(costOf('gpt-4oops', 5000, 5000)).toEqual({ costUsd: 0, priced: false });
  });
});
