/** Fields of the `answer` (knowledge base) and `agent` (LLM with tools) states. */
import { z } from 'zod';
import { identifierSchema } from './actions/call.js';
import { target } from './state-fields.js';

const history = z.number().int().min(0).max(50);

export const answerFields = {
  /** What to look up (a template); the user's message by default. */
  question: z.string().min(1).optional(),
  /** How to answer (tone, length); the grounding rules are the engine's. */
  instructions: z.string().min(1).max(2_000).optional(),
  /** Said when the documents hold no answer (a template), unless `on_no_answer` goes elsewhere. */
  no_answer: z.string().min(1).optional(),
  on_no_answer: target.optional(),
  /** Earlier messages of the conversation the model sees. */
  history: history.optional(),
  /** Chunks retrieved. */
  limit: z.number().int().min(1).max(10).optional(),
  /** Keeps `{text, method, citations}` in `vars.<name>`. */
  save_as: identifierSchema.optional(),
};

/** A tool the agent may call: an integration operation (MCP tools included), or the knowledge base. */
export const agentToolSchema = z.union([
  z.strictObject({ integration: z.string().min(1), operation: z.string().min(1), description: z.string().max(1_000).optional() }),
  z.strictObject({ knowledge: z.literal(true), description: z.string().max(1_000).optional() }),
]);
export type AgentTool = z.infer<typeof agentToolSchema>;

export const agentFields = {
  goal: z.string().min(1).max(2_000),
  instructions: z.string().max(4_000).optional(),
  tools: z.array(agentToolSchema).max(32).optional(),
  /** Slots the agent may fill; they are written to `slots`. */
  slots: z.array(identifierSchema).max(32).optional(),
  /** Named ways out, each with when the agent should take it; the chosen one is `vars.agent.exit`. */
  exits: z.record(identifierSchema, z.string().min(1).max(500)).optional(),
  history: history.optional(),
  /** Model steps (each may call tools) per user message. */
  max_steps: z.number().int().min(1).max(20).optional(),
  /** Model spend per user message, in US dollars. */
  max_cost_usd: z.number().positive().max(10).optional(),
  /** User messages the agent takes before it exits with `max_turns`. */
  max_turns: z.number().int().min(1).max(100).optional(),
  /** Said when a budget runs out or no model answers (a template). */
  fallback: z.string().min(1).optional(),
};
