import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { nameProblem, starterFlow } from './flow-name';

describe('new flow names', () => {
  it('says what is wrong before asking the server', () => {
    expect(nameProblem('  ', [])).toBe('Give the flow a name.');
    expect(nameProblem('x'.repeat(101), [])).toMatch(/under 100/);
    expect(nameProblem(' orders ', ['orders'])).toMatch(/already exists/);
    expect(nameProblem('orders-2', ['orders'])).toBeNull();
  });
  it('writes any name into valid YAML, quoted', () => {
    for (const name of ['summer sale: returns #2', 'say "hi"', "it's", '- dash', '{braces}']) {
      expect((parse(starterFlow(name)) as { name: string }).name).toBe(name);
    }
  });
});
