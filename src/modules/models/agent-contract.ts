/** The models module's calls for agents (tool use) and the knowledge base (embeddings): plain JSON in and out. */
import type { ModelRouting, ModelUsage } from './settings-contract.js';

export interface ToolSpec {
  /** 1–64 letters, digits, `_` or `-` (what both OpenAI and Anthropic accept). */
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ToolCallRequest {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type AgentMessage =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls?: ToolCallRequest[] }
  | { role: 'tool'; toolCallId: string; name: string; result: string };

export interface ConverseInput {
  /** The bot builder's goal and instructions; user text never goes here. */
  instructions: string;
  messages: AgentMessage[];
  /** What the conversation already knows (slots): data ahead of the messages, never instructions. */
  data?: Record<string, unknown>;
  tools: ToolSpec[];
  routing?: ModelRouting;
}

/** One model step: a reply and/or the tool calls it asks for. `usage` lists every attempt. */
export type ConverseResult =
  | { ok: true; text: string; toolCalls: ToolCallRequest[]; provider: string; model: string; usage: ModelUsage[] }
  | { ok: false; error: { code: string; message: string }; usage: ModelUsage[] };

export type EmbedResult =
  | { ok: true; provider: string; model: string; vectors: number[][]; tokens: number }
  | { ok: false; error: { code: string; message: string } };
