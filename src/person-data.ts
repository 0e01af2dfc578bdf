import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from './shared/app-error.js';
import type { Clock } from './shared/clock.js';
import type { PersonDataPart } from './shared/person-data.js';
import { createAnalyticsPersonData } from './modules/analytics/index.js';
import { createChatPersonData } from './modules/chat/index.js';
import { createEnginePersonData } from './modules/engine/index.js';
import { createModelsPersonData } from './modules/models/index.js';
import { createSecurityPersonData } from './modules/security/index.js';
import type { Kv, Locks, Sql } from './modules/storage/index.js';

const conversationId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'a conversation id: 1–128 letters, digits, dots, dashes, colons or underscores');

/** Who to export or forget: the user id their messages carried (`user.id`, a channel's user), and/or their conversations. */
export const personSelectorSchema = z
  .object({
    userId: z.string().trim().min(1).max(200).optional(),
    conversationIds: z.array(conversationId).min(1).max(1000).optional(),
  })
  .refine((s) => s.userId !== undefined || s.conversationIds !== undefined, { message: 'name the person by `userId`, `conversationIds`, or both' });
export type PersonSelector = z.infer<typeof personSelectorSchema>;

export const personExportSchema = z
  .object({
    exportedAt: z.string(),
    userId: z.string().nullable(),
    conversationIds: z.array(z.string()),
    /** Module → kind → rows. */
    data: z.record(z.string(), z.record(z.string(), z.array(z.unknown()))),
  })
  .meta({ id: 'PersonExport' });
export type PersonExport = z.infer<typeof personExportSchema>;

export const personErasureSchema = z
  .object({
    conversationIds: z.array(z.string()),
    /** `module.kind` → rows deleted (or, for the audit log, pseudonymised). */
    deleted: z.record(z.string(), z.number()),
    /** A one-way digest of the selector: what the audit log keeps instead of the person's ids. */
    subject: z.string(),
  })
  .meta({ id: 'PersonErasure' });
export type PersonErasure = z.infer<typeof personErasureSchema>;

/**
 * Export and erasure of one end user's data across modules: each module names the conversations
 * it knows the person in and exports or deletes its own rows and keys (`PersonDataPart`); this only
 * puts the answers together. The API and the CLI both call it and audit the erasure by `subject`.
 */
export function createPersonData(deps: { parts: readonly PersonDataPart[]; clock: Clock }) {
  const { parts } = deps;

  async function conversationsOf(tenantId: string, selector: PersonSelector): Promise<string[]> {
    const found = new Set(selector.conversationIds ?? []);
    if (selector.userId !== undefined) {
      for (const part of parts) for (const id of await part.conversationsOf(tenantId, selector.userId)) found.add(id);
    }
    const ids = [...found].sort();
    // Nothing found is worth saying: a mistyped id must not look like a completed erasure.
    const data = await Promise.all(parts.map((part) => part.export(tenantId, ids)));
    if (!data.some((kinds) => Object.values(kinds).some((rows) => rows.length > 0))) {
      throw new AppError('not_found', 'Nothing is stored about this person in this workspace: check the user id (as sent in `user.id` or by the channel) or the conversation ids.');
    }
    return ids;
  }

  return {
    async export(tenantId: string, selector: PersonSelector): Promise<PersonExport> {
      const ids = await conversationsOf(tenantId, selector);
      const data: PersonExport['data'] = {};
      for (const part of parts) data[part.module] = await part.export(tenantId, ids);
      return { exportedAt: deps.clock.isoNow(), userId: selector.userId ?? null, conversationIds: ids, data };
    },

    async forget(tenantId: string, selector: PersonSelector): Promise<PersonErasure> {
      const ids = await conversationsOf(tenantId, selector);
      const deleted: Record<string, number> = {};
      for (const part of parts) {
        for (const [kind, n] of Object.entries(await part.forget(tenantId, ids))) deleted[`${part.module}.${kind}`] = n;
      }
      const subject = createHash('sha256').update(JSON.stringify([tenantId, selector.userId ?? null, ids])).digest('hex').slice(0, 16);
      return { conversationIds: ids, deleted, subject };
    },
  };
}

export type PersonData = ReturnType<typeof createPersonData>;

/** Every module's part, in the order they are asked: the engine first, so no turn is running when chat deletes. */
export function personDataParts(deps: { sql: Sql; kv: Kv; locks: Locks; lockWaitMs: number }): PersonDataPart[] {
  return [createEnginePersonData(deps), createChatPersonData(deps), createAnalyticsPersonData(deps), createSecurityPersonData(deps), createModelsPersonData(deps)];
}
