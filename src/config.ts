import { z } from 'zod';

/**
 * The only reader of process.env. Every variable has an embedded-mode default, so `npm start`
 * works with nothing set; DATABASE_URL and REDIS_URL switch to server mode.
 */
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number) => z.coerce.number().int().min(min);

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
  // Seed a demo tenant with the order-support flow on first start.
  MCP_SEED_DEMO: bool.default(true),
  // pino level: fatal, error, warn, info, debug, trace or silent.
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Largest accepted request body, in bytes.
  MCP_BODY_LIMIT_BYTES: int(1024).default(1024 * 1024),
  // How long a conversation lock lives unless renewed, and how long a message waits for it.
  MCP_LOCK_TTL_MS: int(100).default(30_000),
  MCP_LOCK_WAIT_MS: int(10).default(15_000),
  // Safety net against flows that cycle without waiting for the user.
  MCP_MAX_STEPS_PER_TURN: int(1).max(10_000).default(50),
});

export interface Config {
  http: { port: number; host: string; publicUrl: string | undefined; bodyLimitBytes: number };
  storage: {
    databaseUrl: string | undefined;
    dataDir: string;
    redisUrl: string | undefined;
    redisKeyPrefix: string;
    lockTtlMs: number;
    lockWaitMs: number;
  };
  bootstrap: { apiKey: string | undefined; seedDemo: boolean };
  security: { masterKey: string | undefined };
  engine: { maxStepsPerTurn: number };
  logLevel: string;
}

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
  return {
    ok: true,
    config: {
      http: { port: e.PORT, host: e.HOST, publicUrl: e.PUBLIC_URL, bodyLimitBytes: e.MCP_BODY_LIMIT_BYTES },
      storage: {
        databaseUrl: e.DATABASE_URL,
        dataDir: e.MCP_DATA_DIR,
        redisUrl: e.REDIS_URL,
        redisKeyPrefix: e.REDIS_KEY_PREFIX,
        lockTtlMs: e.MCP_LOCK_TTL_MS,
        lockWaitMs: e.MCP_LOCK_WAIT_MS,
      },
      bootstrap: { apiKey: e.MCP_BOOTSTRAP_API_KEY, seedDemo: e.MCP_SEED_DEMO },
      security: { masterKey: e.MCP_MASTER_KEY },
      engine: { maxStepsPerTurn: e.MCP_MAX_STEPS_PER_TURN },
      logLevel: e.LOG_LEVEL,
    },
  };
}
