import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { createSecurity, resolveMasterKeys } from '../modules/security/index.js';
import { createStorage } from '../modules/storage/index.js';
import { createPersonData, personDataParts, personSelectorSchema } from '../person-data.js';
import { createTenantPurge, tenantDataParts } from '../tenant-data.js';
import { isAppError } from '../shared/app-error.js';
import { systemClock } from '../shared/clock.js';
import { randomIds } from '../shared/ids.js';
import { silentLogger } from '../shared/logger.js';

export const PEOPLE_USAGE = `Usage: mcp-engine people export|forget --workspace SLUG [--user ID] [--conversation ID …]

  export   print everything stored about one end user as JSON
  forget   delete it (messages, contexts, traces, analytics rows, inbox and outbox, cached copies); audited
`;

/**
 * `mcp-engine people export|forget`: the API's /v1/people calls for operators with database
 * access, e.g. to answer a request when no owner's API key is at hand. Same code, same audit entry
 * (with the system as actor).
 */
export async function runPeopleCommand(argv: string[], config: Config, out: (text: string) => Promise<void>, err: (text: string) => unknown): Promise<number> {
  const [action, ...rest] = argv;
  let values: { workspace?: string; user?: string; conversation?: string[] };
  try {
    ({ values } = parseArgs({ args: rest, options: { workspace: { type: 'string' }, user: { type: 'string' }, conversation: { type: 'string', multiple: true } } }));
  } catch (error) {
    err(`${error instanceof Error ? error.message : String(error)}\n\n${PEOPLE_USAGE}`);
    return 2;
  }
  const selector = personSelectorSchema.safeParse({ userId: values.user, conversationIds: values.conversation });
  if ((action !== 'export' && action !== 'forget') || !values.workspace || !selector.success) {
    err(`${selector.success ? '' : `${selector.error.issues.map((i) => i.message).join('; ')}\n\n`}${PEOPLE_USAGE}`);
    return 2;
  }
  const storage = await createStorage(config.storage, { logger: silentLogger() });
  try {
    const { sql, kv, locks } = storage;
    const masterKeys = resolveMasterKeys({ configured: config.security.masterKey, dataDir: config.storage.dataDir, serverMode: Boolean(config.storage.databaseUrl) });
    const security = createSecurity({ sql, kv, ids: randomIds, clock: systemClock, logger: silentLogger(), masterKey: masterKeys[0]!.key, purgeTenant: createTenantPurge({ sql, parts: tenantDataParts, purgeKeys: storage.purgeTenantKeys, logger: silentLogger() }), config: { accessTokenTtlSeconds: config.security.accessTokenTtlSeconds, platformAdminKey: undefined } });
    const tenant = await security.getTenantBySlug(values.workspace);
    if (!tenant) {
      err(`No workspace '${values.workspace}'.\n`);
      return 1;
    }
    const personData = createPersonData({ parts: personDataParts({ sql, kv, locks, lockWaitMs: config.storage.lockWaitMs }), clock: systemClock });
    if (action === 'export') {
      await out(`${JSON.stringify(await personData.export(tenant.id, selector.data), null, 2)}\n`);
      return 0;
    }
    const erased = await personData.forget(tenant.id, selector.data);
    await security.audit(tenant.id, null, { action: 'person.forget', details: { subject: erased.subject, conversations: erased.conversationIds.length, deleted: erased.deleted, via: 'cli' } });
    await out(`Deleted ${erased.conversationIds.length} conversation(s) of this person: ${Object.entries(erased.deleted).map(([k, n]) => `${k} ${n}`).join(', ')}.\n`);
    return 0;
  } catch (error) {
    if (!isAppError(error)) throw error;
    err(`${error.message}\n`);
    return 1;
  } finally {
    await storage.close();
  }
}
