import { z } from 'zod';
import type { AccountList } from './define-channel.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One config, several accounts of the platform (pages, teams, numbers), each with its own
 * credentials: ids are unique, and some credential exists. Runs even when other fields are
 * wrong, so that a PUT hears about every problem at once.
 */
export function accountsRule(at: AccountList) {
  return z.superRefine(
    (config: Record<string, unknown>, ctx) => {
      const items = Array.isArray(config[at.field]) ? (config[at.field] as unknown[]).filter(isRecord) : [];
      const seen = new Set<unknown>();
      items.forEach((item, i) => {
        if (seen.has(item[at.id])) ctx.addIssue({ code: 'custom', path: [at.field, i, at.id], message: `'${String(item[at.id])}' is listed twice` });
        seen.add(item[at.id]);
      });
      if (config[at.secret] === undefined && items.length === 0) {
        ctx.addIssue({ code: 'custom', path: [at.secret], message: `set ${at.secret} (one account) or ${at.field} (several, each with its own ${at.secret})` });
      }
    },
    { when: (payload) => isRecord(payload.value) },
  );
}

/** The credential of `account` in the list, else the config's single one; null when neither exists. */
export function credentialOf<T extends Record<string, unknown>>(items: readonly T[], id: keyof T, account: string | null | undefined, field: keyof T, single: string | undefined): string | null {
  const own = account ? items.find((item) => item[id] === account)?.[field] : undefined;
  return typeof own === 'string' ? own : (single ?? null);
}
