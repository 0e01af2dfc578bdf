import type { DefinitionIssue } from './extractor.js';
import { extractorFor, extractors } from './registry.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Problems in a flow's `nlu.entities`, for the flow validator: a type nobody extracts, a regex
 * JavaScript cannot compile (with its reason), a list without values. Paths read like
 * `nlu.entities.order_id.pattern`.
 */
export function entityDefinitionIssues(definitions: unknown): DefinitionIssue[] {
  const root = 'nlu.entities';
  if (definitions === undefined) return [];
  if (!isRecord(definitions)) {
    return [{ path: root, message: 'entities must be a map from entity name to definition, e.g. `order_id: { type: regex, pattern: "[0-9]{5}" }`' }];
  }
  const issues: DefinitionIssue[] = [];
  for (const [name, definition] of Object.entries(definitions)) {
    const path = `${root}.${name}`;
    if (!isRecord(definition)) {
      issues.push({ path, message: 'an entity definition must be an object with a `type`' });
      continue;
    }
    const extractor = extractorFor(definition.type);
    if (!extractor) {
      const known = extractors.map((e) => e.type).join(', ');
      issues.push({ path: `${path}.type`, message: `unknown entity type ${JSON.stringify(definition.type)}; use one of: ${known}` });
      continue;
    }
    issues.push(...(extractor.issues?.(definition, path) ?? []));
  }
  return issues;
}
