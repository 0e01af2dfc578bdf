import { regexProblem } from '../../../shared/bounded-regex.js';
import type { EntityDefinition } from '../contract.js';
import type { TrainingDocument } from '../training-data-contract.js';

/**
 * Collects what an importer reads (examples, entity values with their synonyms, patterns) and
 * turns it into a training document, noting what the flow language cannot hold.
 */
export function createDocumentBuilder() {
  const intents = new Map<string, string[]>();
  /** entity → canonical value → synonyms */
  const lists = new Map<string, Map<string, Set<string>>>();
  const patterns = new Map<string, string[]>();
  const builtins = new Map<string, EntityDefinition>();
  const warnings: string[] = [];

  const valuesOf = (entity: string) => {
    let values = lists.get(entity);
    if (!values) lists.set(entity, (values = new Map()));
    return values;
  };

  return {
    warn: (message: string) => warnings.push(message),
    example(intent: string, text: string) {
      const clean = text.replace(/\s+/g, ' ').trim();
      if (!clean) return;
      let list = intents.get(intent);
      if (!list) intents.set(intent, (list = []));
      if (!list.includes(clean)) list.push(clean);
    },
    /** `text` found in an example as `entity`, meaning `canonical` (the text itself when absent). */
    value(entity: string, canonical: string, synonym?: string) {
      const values = valuesOf(entity);
      let synonyms = values.get(canonical);
      if (!synonyms) values.set(canonical, (synonyms = new Set()));
      if (synonym && synonym !== canonical) synonyms.add(synonym);
    },
    /** A synonym that names no entity: it joins every entity that already has its canonical value. */
    synonym(canonical: string, phrases: string[]): boolean {
      let used = false;
      for (const values of lists.values()) {
        const synonyms = values.get(canonical);
        if (!synonyms) continue;
        phrases.forEach((p) => p !== canonical && synonyms.add(p));
        used = true;
      }
      return used;
    },
    pattern(entity: string, pattern: string) {
      const problem = regexProblem(pattern);
      if (problem) return warnings.push(`regex '${entity}': the pattern ${JSON.stringify(pattern)} was skipped (${problem})`);
      const list = patterns.get(entity) ?? [];
      patterns.set(entity, [...list, pattern]);
    },
    builtin(entity: string, definition: EntityDefinition) {
      builtins.set(entity, definition);
    },
    build(): { document: TrainingDocument; warnings: string[] } {
      const entities: Record<string, EntityDefinition> = Object.fromEntries(builtins);
      for (const [entity, values] of lists) {
        if (values.size === 0) continue;
        entities[entity] = { type: 'list', values: Object.fromEntries([...values].map(([canonical, synonyms]) => [canonical, [...synonyms]])) };
      }
      for (const [entity, list] of patterns) {
        // Rasa annotates regex entities in examples too; the pattern is what finds them.
        const pattern = list.length === 1 ? list[0]! : list.map((p) => `(?:${p})`).join('|');
        entities[entity] = { type: 'regex', pattern };
      }
      return { document: { intents: Object.fromEntries(intents), entities }, warnings };
    },
  };
}

export type DocumentBuilder = ReturnType<typeof createDocumentBuilder>;
