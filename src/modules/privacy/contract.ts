import { z } from 'zod';

/**
 * Privacy: each workspace's data policy (how long conversations are kept) and the task that
 * enforces it. The data itself stays with the modules that own it; they expire their own rows.
 */

export const dataPolicyInputSchema = z.strictObject({
  /** Days messages, traces and conversation state are kept after their last activity; null keeps them. */
  messageRetentionDays: z.number().int().min(1, 'keep messages at least 1 day').max(3650, 'at most 3650 days (10 years); null keeps them').nullable(),
  /** Replace e-mail addresses, international phone numbers and card numbers in stored messages and traces. */
  redactPersonalData: z.boolean().default(false),
});
export type DataPolicyInput = z.input<typeof dataPolicyInputSchema>;

export const dataPolicySchema = z
  .object({ messageRetentionDays: z.number().nullable(), redactPersonalData: z.boolean(), updatedAt: z.string().nullable() })
  .meta({ id: 'DataPolicy' });
export type DataPolicy = z.infer<typeof dataPolicySchema>;

/** Rows each module deleted per workspace in one retention run, `module.kind` → count. */
export type RetentionReport = Record<string, Record<string, number>>;

/** Redacts every string of a JSON value (see redact.ts). */
export type Redactor = <T>(value: T) => T;

export interface Privacy {
  getPolicy(tenantId: string): Promise<DataPolicy>;
  putPolicy(tenantId: string, input: DataPolicyInput): Promise<DataPolicy>;
  /** The redactor to apply before storing a workspace's messages and traces, or null when it keeps them as written. */
  redactorFor(tenantId: string): Promise<Redactor | null>;
  /** Deletes what every workspace's policy no longer keeps; the maintenance task calls it hourly. */
  runRetention(): Promise<RetentionReport>;
  start(): void;
  stop(): void;
}
