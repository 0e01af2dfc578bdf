/** The models slice of the app configuration (src/config.ts). */
export interface ModelsConfig {
  openai: { apiKey: string | undefined; baseUrl: string | undefined; model: string };
  anthropic: { apiKey: string | undefined; baseUrl: string | undefined; model: string };
  cascadeThreshold: number;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  breakerFailures: number;
  breakerCooldownMs: number;
  cacheTtlMs: number;
}

/** No providers: what the models run on when the app gives no configuration (CLI tests, benchmarks). */
export const OFFLINE_CONFIG: ModelsConfig = {
  openai: { apiKey: undefined, baseUrl: undefined, model: 'gpt-4o-mini' },
  anthropic: { apiKey: undefined, baseUrl: undefined, model: 'claude-haiku-4-5' },
  cascadeThreshold: 0.8,
  timeoutMs: 15_000,
  maxRetries: 2,
  retryBaseMs: 250,
  retryMaxMs: 5_000,
  breakerFailures: 5,
  breakerCooldownMs: 30_000,
  cacheTtlMs: 0,
};
