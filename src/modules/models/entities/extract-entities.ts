import type { EntityDefinition, ExtractedEntity } from '../contract.js';
import { DEFAULT_PHONE_REGION } from './phone.js';
import type { CompileOptions, EntityExtractor, ExtractContext, Matcher } from './extractor.js';
import { entityDefinitionIssues } from './definition-issues.js';
import { extractorFor } from './registry.js';
import { checkedTimeZone } from './time-zone.js';

export { entityDefinitionIssues };

/**
 * Each extractor sees at most this many characters of a message. It bounds the work a builder's
 * regex (on top of its time limit) or a long paste can cause; entities further on are not found.
 */
export const MAX_EXTRACT_CHARS = 2_000;

export interface ExtractOptions {
  /** Reference time for relative dates, ISO 8601; the current time when absent or invalid. */
  now?: string;
  /** IANA zone of the user, e.g. `Europe/Paris`; UTC when absent or unknown. */
  timezone?: string;
}

export interface CompiledEntities {
  extract(text: string, options?: ExtractOptions): ExtractedEntity[];
  /**
   * The value `entity` takes when all of `text` is one match of it: what a user typing exactly
   * that would get (same type check, same pattern). Null when it is no such match.
   */
  wholeValue(entity: string, text: string, options?: ExtractOptions): { value: unknown } | null;
}

interface CompiledEntity {
  name: string;
  match: Matcher;
}

function compileOne(name: string, definition: EntityDefinition, options: CompileOptions): CompiledEntity | null {
  if (entityDefinitionIssues({ [name]: definition }).length > 0) return null;
  const extractor = extractorFor(definition.type) as EntityExtractor | undefined;
  try {
    // The registry pairs each type with its extractor, so the definition has the shape it expects.
    return extractor ? { name, match: extractor.compile(definition as never, options) } : null;
  } catch {
    return null;
  }
}

function referenceTime(now: string | undefined): Date {
  const parsed = now ? new Date(now) : new Date(Number.NaN);
  return Number.isNaN(parsed.getTime()) ? new Date() : parsed;
}

/**
 * Compiles a flow's entity definitions once per flow version. Definitions with issues (see
 * `entityDefinitionIssues`) are skipped rather than thrown on: the flow validator reports them,
 * and a turn must never fail on them. `extract` never throws either; an extractor that fails on
 * some input yields nothing for that message.
 */
export function compileEntities(
  definitions: Record<string, EntityDefinition>,
  options: Partial<CompileOptions> = {},
): CompiledEntities {
  const compileOptions: CompileOptions = { phoneRegion: options.phoneRegion ?? DEFAULT_PHONE_REGION };
  const compiled = Object.entries(definitions)
    .map(([name, definition]) => compileOne(name, definition, compileOptions))
    .filter((c): c is CompiledEntity => c !== null);

  return {
    extract(text, extractOptions = {}) {
      if (typeof text !== 'string' || text.trim() === '') return [];
      const input = text.slice(0, MAX_EXTRACT_CHARS);
      const context = contextOf(extractOptions);
      const entities: ExtractedEntity[] = [];
      for (const { name, match } of compiled) {
        const seen = new Set<string>();
        for (const m of safely(match, input, context)) {
          const key = `${m.start}:${m.end}`;
          if (seen.has(key) || m.end <= m.start) continue;
          seen.add(key);
          entities.push({ entity: name, value: m.value, text: input.slice(m.start, m.end), start: m.start, end: m.end });
        }
      }
      return entities.sort((a, b) => a.start - b.start || b.end - a.end || a.entity.localeCompare(b.entity));
    },
    wholeValue(entity, text, extractOptions = {}) {
      const compiledEntity = compiled.find((c) => c.name === entity);
      const input = typeof text === 'string' ? text.trim() : '';
      if (!compiledEntity || input === '' || input.length > MAX_EXTRACT_CHARS) return null;
      const whole = safely(compiledEntity.match, input, contextOf(extractOptions)).find((m) => m.start === 0 && m.end === input.length);
      return whole ? { value: whole.value } : null;
    },
  };
}

function contextOf(options: ExtractOptions): ExtractContext {
  return { now: referenceTime(options.now), timeZone: checkedTimeZone(options.timezone), memo: new Map() };
}

function safely(match: Matcher, input: string, context: ExtractContext): ReturnType<Matcher> {
  try {
    return match(input, context);
  } catch {
    return [];
  }
}
