import { z } from 'zod';

/**
 * Adaptors: per-tenant integrations with external systems (generic HTTP, CRM and ERP presets, MCP
 * tool servers). A failed call is an outcome the flow branches on (`on_error`), so `execute`
 * returns a result, never throws; management calls throw AppError like every other module.
 */
export interface IntegrationRequest {
  integration: string;
  operation: string;
  input: Record<string, unknown>;
  timeoutMs: number;
}

/** Error codes of a failed call, for `on_error` branches and the trace. */
export type IntegrationErrorCode =
  | 'integration_not_found'
  | 'operation_not_found'
  | 'invalid_input'
  | 'timeout'
  | 'circuit_open'
  | 'integration_busy'
  | 'ssrf_blocked'
  | 'network_error'
  | 'http_error'
  | 'rate_limited'
  | 'auth_failed'
  | 'response_too_large'
  | 'unsupported_response'
  | 'mapping_failed'
  | 'tool_error'
  | 'remote_error'
  | 'misconfigured';

/** `value` and `error.message` never hold the integration's secrets: they are redacted first. */
export type IntegrationResult =
  | { ok: true; value: unknown; latencyMs: number; attempts?: number }
  | { ok: false; error: { code: string; message: string; status?: number }; latencyMs: number; attempts?: number };

export const integrationNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'use 1–63 lowercase letters, digits, _ or -, starting with a letter');

const secretsInput = z.record(z.string().min(1).max(100), z.string().max(10_000).nullable());

export const createIntegrationSchema = z.strictObject({
  name: integrationNameSchema,
  kind: z.string().min(1).max(50),
  description: z.string().max(500).optional(),
  config: z.record(z.string(), z.unknown()).default({}),
  /** Credentials; stored encrypted and never returned. */
  secrets: secretsInput.optional(),
});
export type CreateIntegrationInput = z.infer<typeof createIntegrationSchema>;

/**
 * `config` replaces the stored one; `secrets` are merged (null removes one), since clients never see
 * them. A config that moves where the secrets go (another host, scheme or port, token URL, MCP
 * server or command line) must come with them again, or the update is refused.
 */
export const updateIntegrationSchema = z.strictObject({
  name: integrationNameSchema.optional(),
  description: z.string().max(500).nullable().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  secrets: secretsInput.optional(),
});
export type UpdateIntegrationInput = z.infer<typeof updateIntegrationSchema>;

export const testIntegrationSchema = z
  .strictObject({
    /** Without it, a connectivity check; with it, a real call of that operation. */
    operation: z.string().min(1).max(200).optional(),
    input: z.record(z.string(), z.unknown()).default({}),
    timeoutMs: z.number().int().min(1).max(120_000).default(10_000),
  })
  .default({ input: {}, timeoutMs: 10_000 });
export type TestIntegrationInput = z.infer<typeof testIntegrationSchema>;

export const operationInfoSchema = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    /** Only idempotent operations are retried after a failure. */
    idempotent: z.boolean(),
    /** JSON Schema of `input`, when the kind knows it (MCP tools). */
    inputSchema: z.unknown().optional(),
  })
  .meta({ id: 'IntegrationOperation' });
export type OperationInfo = z.infer<typeof operationInfoSchema>;

export const kindInfoSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    configSchema: z.unknown(),
    secretsSchema: z.unknown(),
    /** Fixed operations of presets; generic kinds take theirs from config or from the server. */
    operations: z.array(operationInfoSchema).optional(),
  })
  .meta({ id: 'IntegrationKind' });
export type KindInfo = z.infer<typeof kindInfoSchema>;

export const integrationInfoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    description: z.string().nullable(),
    config: z.record(z.string(), z.unknown()),
    /** Which secret fields are set; their values never leave the server. */
    secretsSet: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Integration' });
export type IntegrationInfo = z.infer<typeof integrationInfoSchema>;

export const integrationStatusSchema = z
  .object({
    integrationId: z.string(),
    name: z.string(),
    /** Outcome of the latest call on this instance; null before any. */
    reachable: z.boolean().nullable(),
    lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
    lastSuccessAt: z.string().nullable(),
    latencyMs: z.object({ p50: z.number().nullable(), p95: z.number().nullable(), samples: z.number() }),
    circuit: z.enum(['closed', 'open', 'half_open']),
    /** Breaker and latency figures are kept in memory, per instance. */
    scope: z.literal('instance'),
  })
  .meta({ id: 'IntegrationStatus' });
export type IntegrationStatus = z.infer<typeof integrationStatusSchema>;
export type CircuitState = IntegrationStatus['circuit'];

export const testIntegrationResultSchema = z
  .object({
    ok: z.boolean(),
    latencyMs: z.number(),
    value: z.unknown().optional(),
    error: z.object({ code: z.string(), message: z.string(), status: z.number().optional() }).optional(),
    operations: z.array(operationInfoSchema).optional(),
  })
  .meta({ id: 'IntegrationTestResult' });
export type TestIntegrationResult = z.infer<typeof testIntegrationResultSchema>;

export interface Adaptors {
  execute(tenantId: string, request: IntegrationRequest): Promise<IntegrationResult>;
  /** Names a flow may refer to in `integration:` states (built-ins included). */
  listIntegrationNames(tenantId: string): Promise<string[]>;
  listKinds(): KindInfo[];
  createIntegration(tenantId: string, input: CreateIntegrationInput): Promise<IntegrationInfo>;
  listIntegrations(tenantId: string): Promise<IntegrationInfo[]>;
  getIntegration(tenantId: string, integrationId: string): Promise<IntegrationInfo>;
  updateIntegration(tenantId: string, integrationId: string, input: UpdateIntegrationInput): Promise<IntegrationInfo>;
  deleteIntegration(tenantId: string, integrationId: string): Promise<void>;
  listOperations(tenantId: string, integrationId: string): Promise<OperationInfo[]>;
  testIntegration(tenantId: string, integrationId: string, input: TestIntegrationInput): Promise<TestIntegrationResult>;
  getStatus(tenantId: string, integrationId: string): Promise<IntegrationStatus>;
}

export interface AdaptorsConfig {
  /** Hosts, IPs and CIDRs reachable despite the SSRF guard. */
  ssrfAllow: readonly string[];
  /** Commands an MCP stdio integration may run. */
  stdioCommands: readonly string[];
  maxResponseBytes: number;
  concurrencyPerTenant: number;
  maxRetries: number;
  retryBaseMs: number;
  breakerFailures: number;
  breakerCooldownMs: number;
}
