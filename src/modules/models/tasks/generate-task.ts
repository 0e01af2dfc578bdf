import type { GenerateInput } from '../contract.js';
import type { ChatMessage, ChatRequest } from '../providers/provider.js';
import { alternate, DATA_RULE, dataMessage, MAX_TEXT_CHARS } from './prompt-parts.js';

const HISTORY_MESSAGES = 10;
const MAX_REPLY_CHARS = 2_000;

/**
 * Response generation. The state's instructions come from the bot builder and go in the system
 * prompt; the conversation's data and messages (which hold user text) go in user messages as
 * data, or as the assistant's own earlier replies.
 */
export function generateTask(input: GenerateInput) {
  const system = [
    'You write the next reply of a chatbot in a customer conversation: plain text, short and friendly, no preamble.',
    `The bot builder's instructions for this reply:\n${input.instructions.slice(0, MAX_TEXT_CHARS)}`,
    'Use the conversation data where the instructions refer to it; do not invent facts that are not in it.',
    DATA_RULE,
  ].join('\n\n');
  const history: ChatMessage[] = (input.history ?? []).slice(-HISTORY_MESSAGES).map((m) =>
    m.role === 'user' ? dataMessage('A customer message', m.text) : { role: 'assistant', content: m.text.slice(0, MAX_TEXT_CHARS) },
  );
  const messages = alternate([
    dataMessage('Conversation data', input.scope),
    ...history,
    { role: 'user', content: 'Write the next reply now.' },
  ]);

  return {
    request: (model: string): ChatRequest => ({ model, system, messages, maxTokens: 400 }),
    accept: (answer: string): string | null => {
      const text = answer.trim();
      return text !== '' && text.length <= MAX_REPLY_CHARS ? text : null;
    },
  };
}
