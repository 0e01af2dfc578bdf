import type { ProviderKind } from '../settings-contract.js';
import { anthropicProvider } from './anthropic.js';
import { openAiCompatibleProvider, openAiProvider } from './openai.js';
import type { ProviderDefinition } from './provider.js';

/** The one list of provider kinds: a new kind is one file plus one line here. */
const PROVIDERS: readonly ProviderDefinition[] = [openAiProvider, openAiCompatibleProvider, anthropicProvider];

export function providerDefinition(kind: ProviderKind): ProviderDefinition {
  const definition = PROVIDERS.find((p) => p.kind === kind);
  if (!definition) throw new Error(`models: no provider of kind '${kind}' is registered`);
  return definition;
}
