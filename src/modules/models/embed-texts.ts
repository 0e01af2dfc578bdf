import type { EmbedResult } from './agent-contract.js';
import type { ResolvedProvider } from './provider-directory.js';
import type { createProviderDirectory } from './provider-directory.js';
import { ProviderCallError } from './providers/provider-error.js';
import { providerDefinition } from './providers/registry.js';
import type { EffectiveRouting } from './routing.js';

/** OpenAI's small embeddings model; OpenAI-compatible servers (vLLM, Ollama) are asked for the same name. */
export const EMBEDDING_MODEL = 'text-embedding-3-small';

type Directory = ReturnType<typeof createProviderDirectory>;

/**
 * Embeddings from the first provider in the tenant's `generate` chain that has an embeddings API
 * (OpenAI or OpenAI-compatible), behind that provider's circuit breaker. No provider: an error the
 * knowledge base answers by searching with BM25 alone.
 */
export async function embedTexts(
  deps: { directory: Directory; timeoutMs: number },
  at: { routing: EffectiveRouting; resolve: (name: string) => ResolvedProvider | null },
  texts: string[],
): Promise<EmbedResult> {
  const provider = at.routing.tasks.generate
    .map((t) => at.resolve(t.provider))
    .find((p): p is ResolvedProvider => p !== null && (p.apiKey !== null || !providerDefinition(p.kind).requiresApiKey) && deps.directory.client(p).embed !== undefined);
  const client = provider ? deps.directory.client(provider) : null;
  if (!provider || !client?.embed) return { ok: false, error: { code: 'no_model', message: 'No OpenAI or OpenAI-compatible provider is configured for embeddings.' } };
  const breaker = deps.directory.breaker(provider);
  if (!breaker.tryAcquire()) return { ok: false, error: { code: 'circuit_open', message: `Provider '${provider.name}' is failing; calls pause until it recovers.` } };
  try {
    const { vectors, tokensIn } = await client.embed({ model: EMBEDDING_MODEL, input: texts }, { timeoutMs: deps.timeoutMs });
    breaker.onSuccess();
    if (vectors.length !== texts.length) return { ok: false, error: { code: 'invalid_output', message: 'The provider returned the wrong number of embeddings.' } };
    return { ok: true, provider: provider.name, model: `${provider.name}/${EMBEDDING_MODEL}`, vectors, tokens: tokensIn };
  } catch (error) {
    const failure = error instanceof ProviderCallError ? error : new ProviderCallError('network', String(error));
    if (failure.countsAgainstProvider) breaker.onFailure();
    else breaker.onNeutral();
    return { ok: false, error: { code: failure.code, message: failure.message } };
  }
}
