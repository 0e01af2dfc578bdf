import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateMasterKey, type MasterKey, parseMasterKeys } from './secrets.js';

/**
 * Where the master keys come from: MCP_MASTER_KEY when set; in embedded mode otherwise a key
 * generated once into the data directory (readable by its owner only). Server mode needs the
 * variable, because every instance must share the same key.
 */
export function resolveMasterKeys(options: { configured: string | undefined; dataDir: string; serverMode: boolean }): MasterKey[] {
  if (options.configured) return parseMasterKeys(options.configured);
  if (options.serverMode) {
    throw new Error('MCP_MASTER_KEY is required with DATABASE_URL (every instance must share it); create one with `openssl rand -base64 32`');
  }
  const file = join(options.dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(file, `${generateMasterKey()}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return parseMasterKeys(readFileSync(file, 'utf8').trim());
}
