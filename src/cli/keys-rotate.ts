import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allMigrations, secretHolders } from '../app.js';
import type { Config } from '../config.js';
import { createSecrets, generateMasterKey, parseMasterKeys, resolveMasterKeys } from '../modules/security/index.js';
import { createStorage } from '../modules/storage/index.js';
import { silentLogger } from '../shared/logger.js';

/**
 * `mcp-engine keys rotate`: every stored credential is re-sealed under the current master key.
 * With MCP_MASTER_KEY, the current key is its first entry (put the new key first, rotate, then
 * drop the old ones). Embedded, without it, a new key is generated into the data directory, the
 * values are re-sealed, and the old key is removed from the file.
 */
export async function rotateKeys(config: Config, out: (line: string) => void): Promise<number> {
  const embeddedFile = config.security.masterKey ? null : join(config.storage.dataDir, 'master.key');
  let keys = resolveMasterKeys({ configured: config.security.masterKey, dataDir: config.storage.dataDir, serverMode: Boolean(config.storage.databaseUrl) });
  if (embeddedFile) {
    const fresh = generateMasterKey();
    writeFileSync(embeddedFile, `${fresh},${readFileSync(embeddedFile, 'utf8').trim()}\n`, { mode: 0o600 });
    keys = parseMasterKeys(readFileSync(embeddedFile, 'utf8').trim());
  }
  const secrets = createSecrets(keys);
  const storage = await createStorage(config.storage, { logger: silentLogger() });
  try {
    await storage.migrate(allMigrations);
    let total = 0;
    for (const holder of secretHolders({ sql: storage.sql, secrets })) {
      out(`… ${holder.module}: re-sealing`);
      const count = await holder.reseal();
      out(`  ${holder.module}: ${count} value(s) re-sealed`);
      total += count;
    }
    if (embeddedFile) writeFileSync(embeddedFile, `${readFileSync(embeddedFile, 'utf8').trim().split(',')[0]}\n`, { mode: 0o600 });
    out(`Every stored credential is now sealed under master key '${secrets.currentKeyId}' (${total} re-sealed).`);
    if (!embeddedFile && keys.length > 1) out('You can now remove the older keys from MCP_MASTER_KEY. Users will need to log in again.');
    return 0;
  } finally {
    await storage.close();
  }
}
