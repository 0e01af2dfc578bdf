import { describe, expect, it } from 'vitest';
import type { ModelsConfig } from './model-config.js';
import { installationRouting, layerRouting } from './routing.js';

const config = { cascadeThreshold: 0.8 } as ModelsConfig;
const installed = [
  { name: 'openai', kind: 'openai', baseUrl: null, apiKey: 'k', source: 'installation', defaultModel: 'gpt-4o-mini' },
  { name: 'anthropic', kind: 'anthropic', baseUrl: null, apiKey: 'k', source: 'installation', defaultModel: 'claude-haiku-4-5' },
] as const;

describe('routing', () => {
  it('routes intent and generation to the installation providers in order, the rest offline', () => {
    const routing = installationRouting(config, installed);
    expect(routing.tasks.intent).toEqual([
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'anthropic', model: 'claude-haiku-4-5' },
    ]);
    expect(routing.tasks.entities).toEqual([]);
    expect(routing.tasks.sentiment).toEqual([]);
  });

  it('lets the tenant and then the flow replace tasks one by one', () => {
    const base = installationRouting(config, installed);
    const tenant = { cascadeThreshold: 0.5, tasks: { intent: [{ provider: 'vllm', model: 'llama' }] } };
    const flow = { tasks: { generate: [] } };
    const routing = layerRouting(base, tenant, flow);
    expect(routing.cascadeThreshold).toBe(0.5);
    expect(routing.tasks.intent).toEqual([{ provider: 'vllm', model: 'llama' }]);
    expect(routing.tasks.generate).toEqual([]);
    expect(routing.tasks.entities).toEqual([]);
  });
});
