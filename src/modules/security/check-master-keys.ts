import type { SecretHolder, Secrets } from './contract.js';

/**
 * Refuses a master key ring that cannot open what is stored. Without this check a wrong key (a
 * new `openssl rand` on every start, a forgotten old key) starts fine and only shows later as 500s
 * on every request that needs a credential. One value per key id is enough: AES-GCM only opens a
 * value under the very key that sealed it.
 */
export async function checkMasterKeys(secrets: Secrets, holders: readonly SecretHolder[], source: string): Promise<void> {
  const problems: string[] = [];
  const reported = new Set<string>();
  for (const holder of holders) {
    for (const { ciphertext, context } of await holder.samples()) {
      const keyId = secrets.keyIdOf(ciphertext) ?? '?';
      if (reported.has(keyId)) continue;
      try {
        secrets.decrypt(ciphertext, context);
      } catch {
        reported.add(keyId);
        problems.push(
          secrets.has(keyId)
            ? `master key '${keyId}' in ${source} is not the key that sealed the stored credentials (${holder.module}) under that id`
            : `stored credentials (${holder.module}) are sealed under master key '${keyId}', which ${source} does not contain`,
        );
      }
    }
  }
  if (problems.length === 0) return;
  throw new Error(
    `The master key cannot open the stored credentials: ${problems.join('; ')}. ` +
      'Start with the key(s) used before. To change keys, put the new key first with its own id and keep the old one after it ' +
      `(MCP_MASTER_KEY=k2:NEWKEY,${[...reported][0]}:OLDKEY), then run \`mcp-engine keys rotate\`.`,
  );
}
