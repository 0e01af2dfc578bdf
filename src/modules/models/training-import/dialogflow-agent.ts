import { unzipSync } from 'fflate';
import { z } from 'zod';
import { AppError } from '../../../shared/app-error.js';
import type { EntityDefinition } from '../contract.js';
import type { Converted } from './converted.js';
import { createDocumentBuilder, type DocumentBuilder } from './document-builder.js';

// An agent export is small text; these bounds stop a zip bomb before it is inflated.
const MAX_FILES = 5_000;
const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_TOTAL_BYTES = 100 * 1024 * 1024;

const agentSchema = z.object({ language: z.string().optional() }).loose();
const intentSchema = z.object({ name: z.string(), fallbackIntent: z.boolean().optional() }).loose();
const userSaysSchema = z.array(z.object({ data: z.array(z.object({ text: z.string(), alias: z.string().optional(), meta: z.string().optional() }).loose()) }).loose());
const entitySchema = z.object({ name: z.string(), isRegexp: z.boolean().optional() }).loose();
const entriesSchema = z.array(z.object({ value: z.string(), synonyms: z.array(z.string()).default([]) }).loose());

/** Dialogflow system entities the offline extractors cover. */
const SYSTEM_ENTITIES: Record<string, EntityDefinition> = {
  'sys.date': { type: 'date' },
  'sys.time': { type: 'time' },
  'sys.date-time': { type: 'datetime' },
  'sys.number': { type: 'number' },
  'sys.number-integer': { type: 'number' },
  'sys.cardinal': { type: 'number' },
  'sys.ordinal': { type: 'ordinal' },
  'sys.email': { type: 'email' },
  'sys.phone-number': { type: 'phone' },
  'sys.url': { type: 'url' },
  'sys.unit-currency': { type: 'money' },
};

function unzip(bytes: Uint8Array): Record<string, Uint8Array> {
  let files = 0;
  let total = 0;
  try {
    return unzipSync(bytes, {
      filter(file) {
        if (!/^(?:[^/]+\/)?(?:agent\.json|intents\/[^/]+\.json|entities\/[^/]+\.json)$/.test(file.name)) return false;
        files += 1;
        total += file.originalSize;
        if (files > MAX_FILES || file.originalSize > MAX_FILE_BYTES || total > MAX_TOTAL_BYTES) {
          throw new AppError('payload_too_large', `The agent export is too large once unpacked (at most ${MAX_FILES} files and ${MAX_TOTAL_BYTES / 1024 / 1024} MB).`);
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('bad_request', `The Dialogflow export is not a readable zip file (${(error as Error).message}); export the agent again from Dialogflow ES → Settings → Export and Import.`);
  }
}

function readJson<S extends z.ZodType>(files: Record<string, Uint8Array>, path: string, schema: S): z.infer<S> | null {
  const bytes = files[path];
  if (!bytes) return null;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ''));
  } catch {
    throw new AppError('bad_request', `${path} in the agent export is not valid JSON.`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError('bad_request', `${path} in the agent export does not look like a Dialogflow ES file: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}.`);
  return parsed.data;
}

function readIntents(builder: DocumentBuilder, files: Record<string, Uint8Array>, root: string, language: string): void {
  for (const path of Object.keys(files).sort()) {
    const match = path.startsWith(root) ? /^intents\/([^/]+)\.json$/.exec(path.slice(root.length)) : null;
    if (!match || /_usersays_[^/]+\.json$/.test(path)) continue;
    const intent = readJson(files, path, intentSchema)!;
    const says = readJson(files, `${root}intents/${match[1]}_usersays_${language}.json`, userSaysSchema) ?? [];
    if (intent.fallbackIntent) {
      if (says.length > 0) builder.warn(`intent '${intent.name}' is a fallback intent; its ${says.length} examples were skipped (below-threshold messages become 'fallback' here)`);
      continue;
    }
    if (says.length === 0) builder.warn(`intent '${intent.name}' has no ${language} training phrases; skipped`);
    for (const phrase of says) {
      for (const part of phrase.data) {
        const meta = part.meta?.replace(/^@/, '');
        if (!meta || !part.alias) continue;
        const system = SYSTEM_ENTITIES[meta];
        // User entities get their values from entities/; a system entity becomes a built-in one named by its alias.
        if (system) builder.builtin(part.alias, system);
      }
      builder.example(intent.name, phrase.data.map((part) => part.text).join(''));
    }
  }
}

function readEntities(builder: DocumentBuilder, files: Record<string, Uint8Array>, root: string, language: string): void {
  for (const path of Object.keys(files).sort()) {
    const match = path.startsWith(root) ? /^entities\/([^/]+)\.json$/.exec(path.slice(root.length)) : null;
    if (!match || /_entries_[^/]+\.json$/.test(path)) continue;
    const entity = readJson(files, path, entitySchema)!;
    const entries = readJson(files, `${root}entities/${match[1]}_entries_${language}.json`, entriesSchema) ?? [];
    for (const entry of entries) {
      if (entity.isRegexp) builder.pattern(entity.name, entry.value);
      else {
        builder.value(entity.name, entry.value);
        entry.synonyms.forEach((synonym) => builder.value(entity.name, entry.value, synonym));
      }
    }
  }
}

/**
 * A Dialogflow ES agent export (the zip from Settings → Export): intents/*.json with their
 * *_usersays_{lang}.json training phrases, entities/*.json with *_entries_{lang}.json, in the
 * agent's default language. System entities map to the built-in extractors where one exists.
 */
export function convertDialogflowAgent(bytes: Uint8Array): Converted {
  const files = unzip(bytes);
  const agentPath = Object.keys(files).find((p) => /^(?:[^/]+\/)?agent\.json$/.test(p));
  if (!agentPath) throw new AppError('bad_request', 'The zip has no agent.json: upload the export of a Dialogflow ES agent (Settings → Export and Import → Export as ZIP).');
  const root = agentPath.slice(0, -'agent.json'.length);
  const language = readJson(files, agentPath, agentSchema)?.language ?? 'en';
  const builder = createDocumentBuilder();
  readEntities(builder, files, root, language);
  readIntents(builder, files, root, language);
  const converted = builder.build();
  if (Object.keys(converted.document.intents).length === 0) throw new AppError('bad_request', `The agent export has no intent with ${language} training phrases.`);
  return converted;
}
