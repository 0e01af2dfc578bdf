import { z } from 'zod';
import { sentimentLabelSchema } from '../contract.js';
import type { ChatRequest } from '../providers/provider.js';
import { DATA_RULE, dataMessage, parseJsonAnswer } from './prompt-parts.js';

const answerSchema = z.object({ label: sentimentLabelSchema, score: z.number().min(-1).max(1) });
const SYSTEM = [
  'You rate the sentiment of one customer message: positive, negative or neutral, with a score from -1 (very negative) to 1 (very positive).',
  DATA_RULE,
].join('\n\n');

export function sentimentTask(text: string) {
  return {
    request: (model: string): ChatRequest => ({
      model,
      system: SYSTEM,
      messages: [dataMessage('The customer message to rate', text)],
      output: {
        name: 'rate_sentiment',
        description: 'The sentiment of the customer message.',
        schema: {
          type: 'object',
          properties: { label: { type: 'string', enum: sentimentLabelSchema.options }, score: { type: 'number' } },
          required: ['label', 'score'],
          additionalProperties: false,
        },
      },
      maxTokens: 40,
    }),
    accept: (answer: string) => parseJsonAnswer(answer, answerSchema),
  };
}
