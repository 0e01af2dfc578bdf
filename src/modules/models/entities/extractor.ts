import type { EntityDefinition } from '../contract.js';

/** One place an extractor found its entity; the caller adds the entity name and the text. */
export interface EntityMatch {
  value: unknown;
  start: number;
  end: number;
}

export interface ExtractContext {
  now: Date;
  /** An IANA name that `Intl` accepts; already checked, `UTC` when the caller gave none. */
  timeZone: string;
  /** Per-call memo, so that the date, time and datetime extractors parse the text once. */
  memo: Map<string, unknown>;
}

export type Matcher = (text: string, context: ExtractContext) => EntityMatch[];

export interface CompileOptions {
  /** Region for phone numbers written without a country code (ISO 3166 alpha-2). */
  phoneRegion: string;
}

export interface DefinitionIssue {
  path: string;
  message: string;
}

export type EntityType = EntityDefinition['type'];
export type DefinitionOf<T extends EntityType> = EntityDefinition & { type: T };

export interface EntityExtractor<T extends EntityType = EntityType> {
  type: T;
  /**
   * Problems a flow validator should report. The definition is raw flow input (only `type` has
   * been checked), hence `Record<string, unknown>`.
   */
  issues?(definition: Record<string, unknown>, path: string): DefinitionIssue[];
  compile(definition: DefinitionOf<T>, options: CompileOptions): Matcher;
}

/** Identity function: keeps each registry entry's `type` and `compile` argument in step. */
export function defineExtractor<T extends EntityType>(extractor: EntityExtractor<T>): EntityExtractor<T> {
  return extractor;
}

/** Keeps the first of overlapping matches (earliest start, then longest), for extractors with several patterns. */
export function dropOverlaps(matches: EntityMatch[]): EntityMatch[] {
  const sorted = [...matches].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: EntityMatch[] = [];
  for (const match of sorted) {
    const last = kept[kept.length - 1];
    if (!last || match.start >= last.end) kept.push(match);
  }
  return kept;
}
