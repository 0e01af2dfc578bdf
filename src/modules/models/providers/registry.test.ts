import { describe, expect, it } from 'vitest';
import { providerInputSchema } from '../settings-contract.js';
import { PROVIDER_KINDS, providerDefinition } from './registry.js';

describe('provider registry', () => {
  it('is the one list of provider kinds: settings accept exactly the registered kinds', () => {
    expect(PROVIDER_KINDS).toEqual(['openai', 'openai_compatible', 'anthropic']);
    expect(PROVIDER_KINDS.every((kind) => providerDefinition(kind).kind === 'model-provider' && providerDefinition(kind).id === kind)).toBe(true);
    expect(providerInputSchema.safeParse({ kind: 'mistral' }).success).toBe(false);
  });

  it('derives what a kind needs from its traits: a base URL without a public API, a key where required', () => {
    const compatible = providerDefinition('openai_compatible');
    expect(compatible.configSchema.safeParse({}).error?.issues[0]?.message).toContain('base URL');
    expect(compatible.configSchema.safeParse({ baseUrl: 'http://localhost:11434/v1' }).success).toBe(true);
    expect(compatible.secretsSchema.safeParse({}).success).toBe(true);
    const anthropic = providerDefinition('anthropic');
    expect(anthropic.configSchema.safeParse({}).success).toBe(true);
    expect(anthropic.secretsSchema.safeParse({}).error?.issues[0]?.message).toBe('needs an API key');
  });
});
