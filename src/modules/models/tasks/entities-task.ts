import { z } from 'zod';
import type { EntityDefinition, ExtractedEntity } from '../contract.js';
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

/** The value an entity may take: a canonical list value, a number for numbers, else text. */
function normalise(definition: EntityDefinition, value: string): unknown {
  switch (definition.type) {
    case 'list': {
      const values = Array.isArray(definition.values) ? definition.values : Object.keys(definition.values);
      return values.find((v) => v.toLowerCase() === value.toLowerCase()) ?? undefined;
    }
    case 'number':
    case 'ordinal': {
      const n = Number(value);
      return Number.isFinite(n) ? n : undefined;
    }
    default:
      return value;
  }
}

/**
 * Entity extraction to the flow's entity types, for entities the offline extractors missed. An
 * answer naming an entity outside the list, a list value the flow lacks, or text that is not in
 * the message (an invention) is rejected as a whole.
 */
export function entitiesTask(definitions: Record<string, EntityDefinition>, text: string) {
  const names = Object.keys(definitions) as [string, ...string[]];
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
    accept: (answer: string): ExtractedEntity[] | null => {
      const parsed = parseJsonAnswer(answer, answerSchema);
      if (!parsed) return null;
      const found: ExtractedEntity[] = [];
      for (const item of parsed.entities) {
        const definition = definitions[item.entity];
        const start = message.toLowerCase().indexOf(item.text.toLowerCase());
        const value = definition ? normalise(definition, item.value) : undefined;
        if (start < 0 || value === undefined) return null;
        found.push({ entity: item.entity, value, text: message.slice(start, start + item.text.length), start, end: start + item.text.length });
      }
      return found;
    },
  };
}
