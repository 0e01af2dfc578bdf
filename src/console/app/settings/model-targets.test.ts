import { describe, expect, it } from 'vitest';
import { parseTargets, targetsText } from './model-targets';

describe('model routing targets', () => {
  it('reads provider/model lists, in order, and writes them back', () => {
    const targets = parseTargets(' openai/gpt-4o-mini , local/meta/llama-3 ');
    expect(targets).toEqual([
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'local', model: 'meta/llama-3' },
    ]);
    expect(targetsText(targets)).toBe('openai/gpt-4o-mini, local/meta/llama-3');
    expect(parseTargets('')).toEqual([]);
  });
  it('names the part that is not provider/model', () => {
    expect(() => parseTargets('openai/gpt-4o, gpt-4o-mini')).toThrow('“gpt-4o-mini” is not provider/model');
    expect(() => parseTargets('/gpt')).toThrow(/not provider\/model/);
    expect(() => parseTargets('openai/')).toThrow(/not provider\/model/);
  });
});
