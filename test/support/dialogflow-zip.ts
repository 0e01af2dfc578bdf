import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';

/** A fixture agent folder (test/fixtures/nlu/…) zipped as Dialogflow ES exports it: agent.json, intents/, entities/. */
export function dialogflowZip(folder = 'dialogflow-agent', prefix = ''): Uint8Array {
  const root = fileURLToPath(new URL(`../fixtures/nlu/${folder}`, import.meta.url));
  const files: Record<string, Uint8Array> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files[`${prefix}${relative(root, full)}`] = readFileSync(full);
  }
  return zipSync(files);
}
