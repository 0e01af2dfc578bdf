import { z } from 'zod';
import { defineAction, valueSources } from './define-action.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const identifierSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'use letters, digits and _ (not starting with a digit)');

/**
 * `call: {integration, operation, with, save_as}`: calls an integration from any action list.
 * The rest of the list runs once the result is in; a failure is traced and stored in `result`.
 */
export const callAction = defineAction({
  kind: 'call',
  schema: z.strictObject({
    integration: z.string().min(1),
    operation: z.string().min(1),
    with: z.record(z.string(), z.unknown()).optional(),
    save_as: identifierSchema.optional(),
    timeout_ms: z.number().int().min(1).max(120_000).optional(),
  }),
  run(arg, rt) {
    const input = rt.value(arg.with ?? {});
    return {
      effect: {
        id: rt.nextEffectId(),
        kind: 'integration',
        integration: arg.integration,
        operation: arg.operation,
        input: typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {},
        timeoutMs: arg.timeout_ms ?? DEFAULT_TIMEOUT_MS,
      },
      saveAs: arg.save_as ?? null,
    };
  },
  templates: (arg) => valueSources(arg.with ?? {}, 'with'),
  references: (arg) => ({ integrations: [arg.integration], saves: arg.save_as ? [arg.save_as] : [] }),
});
