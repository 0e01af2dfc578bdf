import { z } from 'zod';
import type { ProviderKindInfo } from '../settings-contract.js';
import { anthropicProvider } from './anthropic.js';
import { openAiCompatibleProvider, openAiProvider } from './openai.js';
import type { ProviderDefinition } from './provider.js';

/** The one list of provider kinds: a new kind is one file plus one line here. */
const PROVIDERS = [openAiProvider, openAiCompatibleProvider, anthropicProvider] as const;

export type ProviderKind = (typeof PROVIDERS)[number]['id'];
export const PROVIDER_KINDS = PROVIDERS.map((p) => p.id) as [ProviderKind, ...ProviderKind[]];

/** The kinds as data for the console (its provider form), read from the definitions without building a client. */
export const providerKindInfos = (): ProviderKindInfo[] =>
  PROVIDERS.map((p) => ({
    id: p.id,
    defaultBaseUrl: p.defaultBaseUrl,
    requiresApiKey: p.requiresApiKey,
    configSchema: z.toJSONSchema(p.configSchema, { io: 'input' }),
    secretsSchema: z.toJSONSchema(p.secretsSchema, { io: 'input' }),
  }));

export function providerDefinition(kind: ProviderKind): ProviderDefinition {
  const definition = PROVIDERS.find((p) => p.id === kind);
  if (!definition) throw new Error(`models: no provider of kind '${kind}' is registered`);
  return definition;
}
