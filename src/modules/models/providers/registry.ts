import { anthropicProvider } from './anthropic.js';
import { openAiCompatibleProvider, openAiProvider } from './openai.js';
import type { ProviderDefinition } from './provider.js';

/** The one list of provider kinds: a new kind is one file plus one line here. */
const PROVIDERS = [openAiProvider, openAiCompatibleProvider, anthropicProvider] as const;

export type ProviderKind = (typeof PROVIDERS)[number]['id'];
export const PROVIDER_KINDS = PROVIDERS.map((p) => p.id) as [ProviderKind, ...ProviderKind[]];

export function providerDefinition(kind: ProviderKind): ProviderDefinition {
  const definition = PROVIDERS.find((p) => p.id === kind);
  if (!definition) throw new Error(`models: no provider of kind '${kind}' is registered`);
  return definition;
}
