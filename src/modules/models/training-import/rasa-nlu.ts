import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../../shared/app-error.js';
import { createDocumentBuilder, type DocumentBuilder } from './document-builder.js';
import type { Converted } from './converted.js';

// `examples: |` with one `- example` per line, or the extended form: a list of `{text, metadata}`.
const examplesSchema = z.union([z.string(), z.array(z.union([z.string(), z.object({ text: z.string() }).loose()]))]).optional();
const itemSchema = z
  .object({ intent: z.string(), synonym: z.union([z.string(), z.number()]), regex: z.string(), lookup: z.string(), examples: examplesSchema })
  .partial()
  .loose();
const fileSchema = z.object({ nlu: z.array(itemSchema).optional() }).loose();

// [text](entity), [text](entity:value) (Rasa 1), [text]{"entity": "…", "value": "…", "role": …}
const ANNOTATION = /\[([^\]]+)\](?:\(([^)]+)\)|(\{[^}]*\}))/g;

function exampleLines(examples: z.infer<typeof examplesSchema>): string[] {
  if (examples === undefined) return [];
  if (typeof examples === 'string') {
    return examples
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('- '))
      .map((line) => line.slice(2).trim());
  }
  return examples.map((e) => (typeof e === 'string' ? e : e.text));
}

function annotationOf(round: string | undefined, curly: string | undefined): { entity: string; value?: string } | null {
  if (round !== undefined) {
    const [entity, value] = round.split(':').map((s) => s.trim());
    return entity ? { entity, ...(value ? { value } : {}) } : null;
  }
  try {
    const parsed = z.object({ entity: z.string(), value: z.union([z.string(), z.number()]).optional() }).parse(JSON.parse(curly ?? ''));
    return { entity: parsed.entity, ...(parsed.value !== undefined ? { value: String(parsed.value) } : {}) };
  } catch {
    return null;
  }
}

/** The example's plain text; each annotated span becomes a value (or synonym) of its entity. */
function plainExample(builder: DocumentBuilder, line: string): string {
  return line.replace(ANNOTATION, (_match, text: string, round: string | undefined, curly: string | undefined) => {
    const annotation = annotationOf(round, curly);
    if (annotation) builder.value(annotation.entity, annotation.value ?? text, text);
    else builder.warn(`the annotation [${text}]${round ?? curly} is not understood; its text was kept`);
    return text;
  });
}

/** Rasa 3.x `nlu.yml`: intents with examples and entity annotations, synonyms, lookup tables, regexes. */
export function convertRasaNlu(source: string): Converted {
  let raw: unknown;
  try {
    raw = parseYaml(source, { maxAliasCount: 100 });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line})` : '';
    throw new AppError('bad_request', `The Rasa file is not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success || !parsed.data.nlu) {
    throw new AppError('bad_request', 'This is not a Rasa NLU file: expected a top-level `nlu:` list of `- intent:`, `- synonym:`, `- regex:` or `- lookup:` items.');
  }
  const builder = createDocumentBuilder();
  const synonyms: { canonical: string; phrases: string[] }[] = [];
  for (const [i, item] of parsed.data.nlu.entries()) {
    const lines = exampleLines(item.examples);
    if (item.intent !== undefined) lines.forEach((line) => builder.example(item.intent!, plainExample(builder, line)));
    else if (item.lookup !== undefined) lines.forEach((line) => builder.value(item.lookup!, line));
    else if (item.regex !== undefined) lines.forEach((line) => builder.pattern(item.regex!, line));
    else if (item.synonym !== undefined) synonyms.push({ canonical: String(item.synonym), phrases: lines });
    else builder.warn(`nlu[${i}] is neither an intent, a synonym, a lookup nor a regex; skipped`);
  }
  // After the examples: a synonym attaches to the entities whose values it names.
  for (const { canonical, phrases } of synonyms) {
    if (!builder.synonym(canonical, phrases)) builder.warn(`synonym '${canonical}' is not a value of any entity; add it to a lookup or annotate it in an example (skipped)`);
  }
  const { document, warnings } = builder.build();
  if (Object.keys(document.intents).length === 0) throw new AppError('bad_request', 'The Rasa file has no intent with examples.');
  return { document, warnings };
}
