import { z } from 'zod';
import { FALLBACK_INTENT, type IntentScore } from '../contract.js';
import type { ChatRequest } from '../providers/provider.js';
import { DATA_RULE, dataMessage, parseJsonAnswer } from './prompt-parts.js';

const EXAMPLES_PER_INTENT = 3;
const EXAMPLE_CHARS = 100;

/**
 * Intent detection constrained to the flow's intents: the schema's enum lists them (plus
 * `fallback`), and the answer is checked against the same list, so that an intent the flow does
 * not know can never reach it.
 */
export function intentTask(intents: Record<string, string[]>, text: string) {
  const allowed = [...new Set([...Object.keys(intents), FALLBACK_INTENT])] as [string, ...string[]];
  const answerSchema = z.object({ intent: z.enum(allowed), confidence: z.number().min(0).max(1) });
  const catalogue = Object.entries(intents)
    .map(([name, examples]) => `- ${name}: ${examples.slice(0, EXAMPLES_PER_INTENT).map((e) => JSON.stringify(e.slice(0, EXAMPLE_CHARS))).join('; ')}`)
    .join('\n');
  const system = [
    'You classify one customer message into exactly one intent of a chatbot.',
    `Intents, with example messages:\n${catalogue}`,
    `Answer "${FALLBACK_INTENT}" when no intent fits. Give your confidence from 0 to 1.`,
    DATA_RULE,
  ].join('\n\n');

  return {
    request: (model: string): ChatRequest => ({
      model,
      system,
      messages: [dataMessage('The customer message to classify', text)],
      output: {
        name: 'classify_intent',
        description: 'The intent of the customer message.',
        schema: {
          type: 'object',
          properties: { intent: { type: 'string', enum: allowed }, confidence: { type: 'number' } },
          required: ['intent', 'confidence'],
          additionalProperties: false,
        },
      },
      maxTokens: 60,
    }),
    accept: (answer: string): IntentScore | null => {
      const parsed = parseJsonAnswer(answer, answerSchema);
      return parsed ? { name: parsed.intent, confidence: parsed.confidence } : null;
    },
  };
}
