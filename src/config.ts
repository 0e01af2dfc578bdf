import { z } from 'zod';
import type { AdaptorsConfig } from './modules/adaptors/index.js';
import type { ModelsConfig } from './modules/models/index.js';
import { type OidcConfig, resolveOidcConfig } from './modules/security/index.js';

/**
 * The only reader of process.env. Every variable has an embedded-mode default, so `npm start`
 * works with nothing set; DATABASE_URL and REDIS_URL switch to server mode.
 */
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number) => z.coerce.number().int().min(min);
const list = z.string().transform((v) => v.split(',').map((item) => item.trim()).filter(Boolean));

const envSchema = z.object({
  // HTTP port of the gateway (0 picks a free port).
  PORT: int(0).max(65535).default(3000),
  // Address to listen on; use 0.0.0.0 inside a container.
  HOST: z.string().min(1).default('127.0.0.1'),
  // Base URL printed for people (console, web chat); defaults to http://localhost:PORT.
  PUBLIC_URL: z.url().optional(),
  // Embedded mode keeps its PGlite database (and generated keys) here.
  MCP_DATA_DIR: z.string().min(1).default('./data'),
  // postgres://… switches from embedded PGlite to PostgreSQL.
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  // redis://… switches sessions, locks and caches from process memory to Redis.
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  // Prefix of every Redis key, so that several installations (or tests) can share one Redis.
  REDIS_KEY_PREFIX: z.string().default('mcp:'),
  // The admin API key of the demo tenant on first start; generated and printed once when unset.
  MCP_BOOTSTRAP_API_KEY: z.string().min(20, 'must be at least 20 characters').optional(),
  // Master key(s) sealing stored credentials: base64 of 32 bytes, or `id:key,id:key` (first seals).
  // Required in server mode; embedded mode generates one into MCP_DATA_DIR/master.key.
  MCP_MASTER_KEY: z.string().min(1).optional(),
  // Bearer key of the platform administrator (manages tenants at /v1/tenants); none when unset.
  MCP_PLATFORM_ADMIN_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  // Lifetime of a user's access token; refresh tokens live 30 days and rotate on use.
  MCP_ACCESS_TOKEN_TTL_SECONDS: int(60).max(86_400).default(900),
  // Single sign-on to the console (OpenID Connect), off unless the issuer is set, e.g.
  // https://sso.example.com/realms/acme (Keycloak) or https://acme.okta.com (Okta).
  MCP_OIDC_ISSUER: z.url().optional(),
  // The client the identity provider registered for the console, and its secret (unset: a public client, PKCE only).
  MCP_OIDC_CLIENT_ID: z.string().min(1).optional(),
  MCP_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  // Where the provider sends browsers back; defaults to PUBLIC_URL + /v1/auth/oidc/callback.
  MCP_OIDC_REDIRECT_URL: z.url().optional(),
  // Scopes asked for, space- or comma-separated; must include openid.
  MCP_OIDC_SCOPES: z.string().default('openid email profile'),
  // The claim that holds the e-mail address people are members by (e.g. `upn` or `preferred_username` in Entra ID).
  MCP_OIDC_EMAIL_CLAIM: z.string().min(1).default('email'),
  // E-mail domains that may sign in with SSO, comma-separated (empty: any the provider vouches for).
  MCP_OIDC_ALLOWED_DOMAINS: list.default([]),
  // Role given to people who sign in without being members yet, only in MCP_OIDC_PROVISION_WORKSPACES (unset: they are refused).
  MCP_OIDC_DEFAULT_ROLE: z.string().optional(),
  MCP_OIDC_PROVISION_WORKSPACES: list.default([]),
  // Requests per minute: per API key or user, per tenant, and per client address on public endpoints.
  MCP_RATE_LIMIT_PER_CREDENTIAL: int(1).default(1200),
  MCP_RATE_LIMIT_PER_TENANT: int(1).default(6000),
  MCP_RATE_LIMIT_PUBLIC_PER_IP: int(1).default(300),
  // Signed platform webhooks arrive from a few addresses in bursts, so their per-address limit is higher.
  MCP_RATE_LIMIT_WEBHOOK_PER_IP: int(1).default(6000),
  // Browser origins allowed to call the API (e.g. a console hosted elsewhere), comma-separated.
  MCP_CORS_ORIGINS: z.string().default(''),
  // Answers that do not match their route's response schema fail with a 500 (tests) instead of going out as they are, logged.
  MCP_STRICT_RESPONSES: bool.default(false),
  // Seed a demo tenant with the order-support flow on first start.
  MCP_SEED_DEMO: bool.default(true),
  // pino level: fatal, error, warn, info, debug, trace or silent.
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Largest accepted request body, in bytes.
  MCP_BODY_LIMIT_BYTES: int(1024).default(1024 * 1024),
  // How long a conversation lock lives unless renewed, and how long a message waits for it.
  // Short, and renewed while held, so that a crashed instance blocks its conversations for seconds.
  MCP_LOCK_TTL_MS: int(100).default(5_000),
  MCP_LOCK_WAIT_MS: int(10).default(15_000),
  // Safety net against flows that cycle without waiting for the user.
  MCP_MAX_STEPS_PER_TURN: int(1).max(10_000).default(50),
  // Channel outbox: poll interval, attempts before a send is dead-lettered, backoff between attempts.
  MCP_OUTBOX_POLL_MS: int(5).default(1_000),
  MCP_OUTBOX_MAX_ATTEMPTS: int(1).max(100).default(8),
  MCP_OUTBOX_BACKOFF_BASE_MS: int(0).default(2_000),
  MCP_OUTBOX_BACKOFF_MAX_MS: int(0).default(10 * 60_000),
  // How long a claimed send is reserved for one instance before another may retry it.
  MCP_OUTBOX_LEASE_MS: int(100).default(60_000),
  // Time limit of one outbound call to a channel platform (Graph API, Slack, Twilio).
  MCP_CHANNEL_SEND_TIMEOUT_MS: int(100).default(10_000),
  // Attempts before a stored platform message that keeps failing to become a turn is given up.
  MCP_INBOX_MAX_ATTEMPTS: int(1).max(100).default(5),
  // Messages answered while the caller waits (API, web chat) that one instance runs at once; past it,
  // 503 with Retry-After (load shedding: a queue without bound only grows under overload). 0: no limit.
  MCP_MAX_TURNS_IN_FLIGHT: int(0).default(1_000),
  // Let channel settings point outbound calls at other hosts than the platforms' (tests, egress proxies).
  MCP_CHANNEL_BASE_URL_OVERRIDE: bool.default(false),
  // Installation-wide LLM providers (unset: offline NLU only). Tenants may add their own in /v1/models/settings.
  OPENAI_API_KEY: z.string().min(1).optional(),
  // Any OpenAI-compatible server (vLLM, Ollama, Azure-style gateways), e.g. http://localhost:11434/v1.
  OPENAI_BASE_URL: z.url().optional(),
  // Model the installation's OpenAI provider uses by default.
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  // Base URL of the Anthropic API (without /v1), for proxies and tests.
  ANTHROPIC_BASE_URL: z.url().optional(),
  // Model the installation's Anthropic provider uses by default.
  ANTHROPIC_MODEL: z.string().min(1).default('claude-haiku-4-5'),
  // Cascade: the LLM classifies a message only when the offline classifier's confidence is under this.
  MCP_MODELS_CASCADE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.8),
  // Time limit of one model call, and retries (on 429, 5xx, timeouts) before the next provider is tried.
  MCP_MODELS_TIMEOUT_MS: int(1).default(15_000),
  MCP_MODELS_MAX_RETRIES: int(0).max(10).default(2),
  // Exponential backoff with full jitter between retries; also the longest Retry-After honoured.
  MCP_MODELS_RETRY_BASE_MS: int(0).default(250),
  MCP_MODELS_RETRY_MAX_MS: int(0).default(5_000),
  // Consecutive failures that open a provider's circuit breaker, and how long it stays open.
  MCP_MODELS_BREAKER_FAILURES: int(1).default(5),
  MCP_MODELS_BREAKER_COOLDOWN_MS: int(1).default(30_000),
  // How long identical model calls are answered from the cache (0 turns the cache off).
  MCP_MODELS_CACHE_TTL_MS: int(0).default(10 * 60_000),
  // Record analytics events of every turn (off: queries and /metrics still answer; the benchmark's baseline).
  MCP_ANALYTICS_ENABLED: bool.default(true),
  // Analytics records the relay moves from the outbox per batch (default: 500 on PostgreSQL; 100
  // embedded, where a batch's transaction holds PGlite's only backend and turns wait behind it), and how often it looks.
  MCP_ANALYTICS_BATCH_SIZE: int(1).optional(),
  MCP_ANALYTICS_FLUSH_MS: int(10).default(1_000),
  // Days raw analytics events are kept (dropped by whole months; by whole days with TimescaleDB), and days hourly rollups are kept.
  MCP_ANALYTICS_RETENTION_DAYS: int(1).default(90),
  MCP_ANALYTICS_ROLLUP_RETENTION_DAYS: int(1).default(730),
  // Bearer token GET /metrics requires; unset, /metrics is open (scrape it inside your network).
  MCP_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // OpenTelemetry traces go to this OTLP/HTTP collector (e.g. http://otel-collector:4318); unset, tracing is off and costs nothing.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  // The service name the traces carry.
  OTEL_SERVICE_NAME: z.string().min(1).default('mcp-engine'),
  // Hosts, IPs and CIDRs integrations may reach although the SSRF guard refuses private, loopback and
  // link-local addresses (e.g. `10.0.0.0/8,erp.internal`); comma-separated, empty by default.
  MCP_SSRF_ALLOW: list.pipe(z.array(z.string().regex(/^[A-Za-z0-9.:-]+(\/\d{1,3})?$/, 'use host names, IPs or CIDRs'))).default([]),
  // Commands MCP stdio integrations may run (e.g. `npx,uvx,/opt/mcp/bin/server`); none by default.
  MCP_STDIO_COMMANDS: list.default([]),
  // Largest integration response read, in bytes; larger ones fail without filling memory.
  MCP_INTEGRATION_MAX_RESPONSE_BYTES: int(1024).default(1024 * 1024),
  // Integration calls in flight per tenant on one instance; more wait for a slot within their timeout.
  MCP_INTEGRATION_CONCURRENCY: int(1).default(16),
  // Retries of idempotent integration calls (429, 5xx, network), with exponential backoff and jitter from this base.
  MCP_INTEGRATION_MAX_RETRIES: int(0).max(10).default(2),
  MCP_INTEGRATION_RETRY_BASE_MS: int(0).default(200),
  // Consecutive failures that open an integration's circuit breaker, and how long it stays open.
  MCP_INTEGRATION_BREAKER_FAILURES: int(1).default(5),
  MCP_INTEGRATION_BREAKER_COOLDOWN_MS: int(1).default(30_000),
});

export interface Config {
  http: { port: number; host: string; publicUrl: string | undefined; bodyLimitBytes: number; strictResponses: boolean };
  storage: {
    databaseUrl: string | undefined;
    dataDir: string;
    redisUrl: string | undefined;
    redisKeyPrefix: string;
    lockTtlMs: number;
    lockWaitMs: number;
  };
  bootstrap: { apiKey: string | undefined; seedDemo: boolean };
  security: { masterKey: string | undefined; platformAdminKey: string | undefined; accessTokenTtlSeconds: number; oidc: OidcConfig | null };
  limits: { perCredentialPerMinute: number; perTenantPerMinute: number; publicPerIpPerMinute: number; webhookPerIpPerMinute: number };
  corsOrigins: string[];
  engine: { maxStepsPerTurn: number };
  chat: {
    outbox: { pollMs: number; maxAttempts: number; baseMs: number; maxMs: number; leaseMs: number; batchSize: number };
    inbox: { pollMs: number; maxAttempts: number; baseMs: number; maxMs: number; batchSize: number };
    sendTimeoutMs: number;
    allowBaseUrlOverride: boolean;
    maxTurnsInFlight: number;
  };
  models: ModelsConfig;
  analytics: {
    enabled: boolean;
    batchSize: number;
    flushMs: number;
    retentionDays: number;
    rollupRetentionDays: number;
    metricsToken: string | undefined;
  };
  adaptors: AdaptorsConfig;
  logLevel: string;
  telemetry: { endpoint: string; serviceName: string } | null;
}

/** Every variable the engine reads, for checks of deployment files (a misspelt name would be ignored silently). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export function loadConfig(env: Record<string, string | undefined> = process.env): ConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    };
  }
  const e = parsed.data;
  const oidc = resolveOidcConfig({
    issuer: e.MCP_OIDC_ISSUER,
    clientId: e.MCP_OIDC_CLIENT_ID,
    clientSecret: e.MCP_OIDC_CLIENT_SECRET,
    redirectUrl: e.MCP_OIDC_REDIRECT_URL,
    publicUrl: e.PUBLIC_URL,
    scopes: e.MCP_OIDC_SCOPES,
    emailClaim: e.MCP_OIDC_EMAIL_CLAIM,
    allowedDomains: e.MCP_OIDC_ALLOWED_DOMAINS,
    defaultRole: e.MCP_OIDC_DEFAULT_ROLE,
    provisionWorkspaces: e.MCP_OIDC_PROVISION_WORKSPACES,
  });
  if (!oidc.ok) return oidc;
  return {
    ok: true,
    config: {
      http: { port: e.PORT, host: e.HOST, publicUrl: e.PUBLIC_URL, bodyLimitBytes: e.MCP_BODY_LIMIT_BYTES, strictResponses: e.MCP_STRICT_RESPONSES },
      storage: {
        databaseUrl: e.DATABASE_URL,
        dataDir: e.MCP_DATA_DIR,
        redisUrl: e.REDIS_URL,
        redisKeyPrefix: e.REDIS_KEY_PREFIX,
        lockTtlMs: e.MCP_LOCK_TTL_MS,
        lockWaitMs: e.MCP_LOCK_WAIT_MS,
      },
      bootstrap: { apiKey: e.MCP_BOOTSTRAP_API_KEY, seedDemo: e.MCP_SEED_DEMO },
      security: { masterKey: e.MCP_MASTER_KEY, platformAdminKey: e.MCP_PLATFORM_ADMIN_KEY, accessTokenTtlSeconds: e.MCP_ACCESS_TOKEN_TTL_SECONDS, oidc: oidc.config },
      limits: {
        perCredentialPerMinute: e.MCP_RATE_LIMIT_PER_CREDENTIAL,
        perTenantPerMinute: e.MCP_RATE_LIMIT_PER_TENANT,
        publicPerIpPerMinute: e.MCP_RATE_LIMIT_PUBLIC_PER_IP,
        webhookPerIpPerMinute: e.MCP_RATE_LIMIT_WEBHOOK_PER_IP,
      },
      corsOrigins: e.MCP_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
      engine: { maxStepsPerTurn: e.MCP_MAX_STEPS_PER_TURN },
      chat: {
        outbox: {
          pollMs: e.MCP_OUTBOX_POLL_MS,
          maxAttempts: e.MCP_OUTBOX_MAX_ATTEMPTS,
          baseMs: e.MCP_OUTBOX_BACKOFF_BASE_MS,
          maxMs: e.MCP_OUTBOX_BACKOFF_MAX_MS,
          leaseMs: e.MCP_OUTBOX_LEASE_MS,
          batchSize: 50,
        },
        inbox: { pollMs: e.MCP_OUTBOX_POLL_MS, maxAttempts: e.MCP_INBOX_MAX_ATTEMPTS, baseMs: 1_000, maxMs: 60_000, batchSize: 50 },
        sendTimeoutMs: e.MCP_CHANNEL_SEND_TIMEOUT_MS,
        allowBaseUrlOverride: e.MCP_CHANNEL_BASE_URL_OVERRIDE,
        maxTurnsInFlight: e.MCP_MAX_TURNS_IN_FLIGHT,
      },
      models: {
        openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL },
        anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL, model: e.ANTHROPIC_MODEL },
        cascadeThreshold: e.MCP_MODELS_CASCADE_THRESHOLD,
        timeoutMs: e.MCP_MODELS_TIMEOUT_MS,
        maxRetries: e.MCP_MODELS_MAX_RETRIES,
        retryBaseMs: e.MCP_MODELS_RETRY_BASE_MS,
        retryMaxMs: e.MCP_MODELS_RETRY_MAX_MS,
        breakerFailures: e.MCP_MODELS_BREAKER_FAILURES,
        breakerCooldownMs: e.MCP_MODELS_BREAKER_COOLDOWN_MS,
        cacheTtlMs: e.MCP_MODELS_CACHE_TTL_MS,
      },
      analytics: {
        enabled: e.MCP_ANALYTICS_ENABLED,
        batchSize: e.MCP_ANALYTICS_BATCH_SIZE ?? (e.DATABASE_URL ? 500 : 100),
        flushMs: e.MCP_ANALYTICS_FLUSH_MS,
        retentionDays: e.MCP_ANALYTICS_RETENTION_DAYS,
        rollupRetentionDays: e.MCP_ANALYTICS_ROLLUP_RETENTION_DAYS,
        metricsToken: e.MCP_METRICS_TOKEN,
      },
      adaptors: {
        ssrfAllow: e.MCP_SSRF_ALLOW,
        stdioCommands: e.MCP_STDIO_COMMANDS,
        maxResponseBytes: e.MCP_INTEGRATION_MAX_RESPONSE_BYTES,
        concurrencyPerTenant: e.MCP_INTEGRATION_CONCURRENCY,
        maxRetries: e.MCP_INTEGRATION_MAX_RETRIES,
        retryBaseMs: e.MCP_INTEGRATION_RETRY_BASE_MS,
        breakerFailures: e.MCP_INTEGRATION_BREAKER_FAILURES,
        breakerCooldownMs: e.MCP_INTEGRATION_BREAKER_COOLDOWN_MS,
      },
      logLevel: e.LOG_LEVEL,
      telemetry: e.OTEL_EXPORTER_OTLP_ENDPOINT ? { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME } : null,
    },
  };
}
