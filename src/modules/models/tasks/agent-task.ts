import { z } from 'zod';
import type { ConverseInput, ToolCallRequest } from '../agent-contract.js';
import type { ChatMessage, ChatRequest } from '../providers/provider.js';
import { DATA_RULE, dataMessage, MAX_TEXT_CHARS, parseJsonAnswer } from './prompt-parts.js';

const MAX_REPLY_CHARS = 2_000;
/** A tool's result beyond this is cut: it bounds what one step costs. */
const MAX_RESULT_CHARS = 8_000;

const answerSchema = z.object({
  text: z.string().max(MAX_REPLY_CHARS),
  toolCalls: z.array(z.object({ id: z.string().min(1), name: z.string().min(1), arguments: z.record(z.string(), z.unknown()) })).max(8),
});

/**
 * One step of an agent. The builder's goal and instructions are the system prompt; customer
 * messages and tool results are data (JSON in user or tool messages), never instructions.
 */
export function agentTask(input: ConverseInput) {
  const system = [
    'You are a customer-service agent inside a chatbot. Work towards the goal below; call the tools you are given when you need facts or must act, and reply to the customer in plain, short, friendly text.',
    `The bot builder's goal and instructions:\n${input.instructions.slice(0, 2 * MAX_TEXT_CHARS)}`,
    'Never invent facts a tool did not return. Ask the customer for missing details instead of guessing them.',
    DATA_RULE,
  ].join('\n\n');
  const known: ChatMessage[] = input.data && Object.keys(input.data).length > 0 ? [dataMessage('Details already known', input.data)] : [];
  const messages: ChatMessage[] = [...known, ...input.messages.map((m): ChatMessage => {
    switch (m.role) {
      case 'user':
        return dataMessage('A customer message', m.text);
      case 'assistant':
        return m.toolCalls?.length ? { role: 'assistant', content: m.text, toolCalls: m.toolCalls } : { role: 'assistant', content: m.text.slice(0, MAX_TEXT_CHARS) || '…' };
      case 'tool':
        return { role: 'tool', toolCallId: m.toolCallId, name: m.name, content: m.result.slice(0, MAX_RESULT_CHARS) };
      default: {
        const unreachable: never = m;
        throw new Error(`unknown message ${JSON.stringify(unreachable)}`);
      }
    }
  })];
  return {
    request: (model: string): ChatRequest => ({ model, system, messages, tools: input.tools, maxTokens: 600 }),
    accept: (answer: string): { text: string; toolCalls: ToolCallRequest[] } | null => {
      const parsed = parseJsonAnswer(answer, answerSchema);
      if (!parsed || (parsed.text.trim() === '' && parsed.toolCalls.length === 0)) return null;
      return { text: parsed.text.trim(), toolCalls: parsed.toolCalls };
    },
  };
}
