/**
 * Adaptors: integrations with external systems. A failed call is an outcome the flow branches on
 * (`on_error`), so it comes back as a result, not an exception.
 */
export interface IntegrationRequest {
  integration: string;
  operation: string;
  input: Record<string, unknown>;
  timeoutMs: number;
}

export type IntegrationResult =
  | { ok: true; value: unknown; latencyMs: number }
  | { ok: false; error: { code: string; message: string }; latencyMs: number };

export interface Adaptors {
  execute(tenantId: string, request: IntegrationRequest): Promise<IntegrationResult>;
  /** Names a flow may refer to in `integration:` states. */
  listIntegrationNames(tenantId: string): Promise<string[]>;
}
