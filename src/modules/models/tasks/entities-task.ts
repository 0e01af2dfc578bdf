import { z } from 'zod';
import type { EntityDefinition, ExtractedEntity } from '../contract.js';
import { type CompiledEntities, compileEntities } from '../entities/extract-entities.js';
import { type Rejection, rejection } from '../model-caller.js';
import type { ChatRequest } from '../providers/provider.js';
import { DATA_RULE, dataMessage, MAX_TEXT_CHARS, parseJsonAnswer } from './prompt-parts.js';

function describe(definition: EntityDefinition): string {
  switch (definition.type) {
    case 'list': {
      const values = Array.isArray(definition.values) ? definition.values : Object.keys(definition.values);
      return `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    case 'regex':
      return 'text as it appears in the message';
    case 'date':
      return 'a date, value as YYYY-MM-DD';
    case 'time':
      return 'a time of day, value as HH:MM (24-hour)';
    case 'datetime':
      return 'a date and time, value as ISO 8601';
    case 'number':
    case 'ordinal':
      return `a ${definition.type}, value in digits`;
    default:
      return `${definition.type}, value as written`;
  }
}

/** Money is `{amount, currency}` offline; an LLM's string would not match what flows expect, so it stays offline. */
export const llmExtractable = (definition: EntityDefinition): boolean => definition.type !== 'money';

const quoted = (value: string): string => JSON.stringify(value.length <= 80 ? value : `${value.slice(0, 79)}…`);

/**
 * The value an entity takes from a model's answer, checked as a typed one would be: a canonical
 * list value, a number for numbers, and for other types the entity's own extractor (its type
 * check, a regex's pattern) over the whole value. A string says why it was refused.
 */
function checkedValue(name: string, definition: EntityDefinition, value: string, compiled: CompiledEntities): { value: unknown } | string {
  switch (definition.type) {
    case 'list': {
      const values = Array.isArray(definition.values) ? definition.values : Object.keys(definition.values);
      const canonical = values.find((v) => v.toLowerCase() === value.toLowerCase());
      return canonical === undefined ? `${quoted(value)} is not one of the values of entity '${name}'` : { value: canonical };
    }
    case 'number':
    case 'ordinal': {
      const n = Number(value);
      return value.trim() !== '' && Number.isFinite(n) ? { value: n } : `${quoted(value)} is not a number (entity '${name}')`;
    }
    default: {
      const whole = compiled.wholeValue(name, value);
      if (whole) return whole;
      return definition.type === 'regex' ? `${quoted(value)} does not match the pattern of entity '${name}'` : `${quoted(value)} is not a valid ${definition.type} (entity '${name}')`;
    }
  }
}

/**
 * Entity extraction to the flow's entity types, for entities the offline extractors missed. An
 * answer naming an entity outside the list, text that is not in the message (an invention), or a
 * value that fails its entity's checks is rejected as a whole: the next model in the chain is
 * asked, else the entity stays missing and its slot is asked again.
 */
export function entitiesTask(definitions: Record<string, EntityDefinition>, text: string) {
  const names = Object.keys(definitions) as [string, ...string[]];
  const compiled = compileEntities(definitions);
  const message = text.slice(0, MAX_TEXT_CHARS);
  const answerSchema = z.object({
    entities: z.array(z.object({ entity: z.enum(names), value: z.string(), text: z.string().min(1) })).max(20),
  });
  const catalogue = Object.entries(definitions).map(([name, d]) => `- ${name}: ${describe(d)}`).join('\n');
  const system = [
    'You extract entities from one customer message of a chatbot conversation.',
    `Entities to look for, with their values:\n${catalogue}`,
    'For each entity found, give its normalised value and the exact text of the message it comes from. Give an empty list when none is present.',
    DATA_RULE,
  ].join('\n\n');

  return {
    request: (model: string): ChatRequest => ({
      model,
      system,
      messages: [dataMessage('The customer message', message)],
      output: {
        name: 'extract_entities',
        description: 'The entities found in the customer message.',
        schema: {
          type: 'object',
          properties: {
            entities: {
              type: 'array',
              items: {
                type: 'object',
                properties: { entity: { type: 'string', enum: names }, value: { type: 'string' }, text: { type: 'string' } },
                required: ['entity', 'value', 'text'],
                additionalProperties: false,
              },
            },
          },
          required: ['entities'],
          additionalProperties: false,
        },
      },
      maxTokens: 300,
    }),
    accept: (answer: string): ExtractedEntity[] | Rejection | null => {
      const parsed = parseJsonAnswer(answer, answerSchema);
      if (!parsed) return null;
      const found: ExtractedEntity[] = [];
      for (const item of parsed.entities) {
        const definition = definitions[item.entity];
        if (!definition) return null;
        const start = message.toLowerCase().indexOf(item.text.toLowerCase());
        if (start < 0) return rejection(`the text ${quoted(item.text)} given for entity '${item.entity}' is not in the message`);
        const checked = checkedValue(item.entity, definition, item.value, compiled);
        if (typeof checked === 'string') return rejection(checked);
        found.push({ entity: item.entity, value: checked.value, text: message.slice(start, start + item.text.length), start, end: start + item.text.length });
      }
      return found;
    },
  };
}
