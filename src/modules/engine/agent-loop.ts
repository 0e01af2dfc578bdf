import type { Adaptors } from '../adaptors/contract.js';
import type { Knowledge } from '../knowledge/contract.js';
import type { AgentMessage, Models, ToolCallRequest } from '../models/contract.js';
import { type AgentToolbox, buildToolbox, callIntegrationTool, searchTool } from './agent-tools.js';
import type { HistoryEntry } from './conversation-history.js';
import type { PendingEffect, TraceEvent } from './flow/index.js';
import type { AgentValue } from './flow/knowledge-states.js';
import { usageToTrace } from './usage-trace.js';

type AgentEffect = Extract<PendingEffect, { kind: 'agent' }>;
export interface AgentDeps {
  models: Models;
  adaptors: Adaptors;
  knowledge?: Knowledge;
}
interface At {
  tenantId: string;
  state: string | null;
  now: () => string;
}

function instructionsOf(effect: AgentEffect): string {
  const parts = [`Goal: ${effect.goal}`];
  if (effect.instructions) parts.push(effect.instructions);
  if (effect.slots.length > 0) parts.push(`Details to collect (save them with the save_details tool): ${effect.slots.join(', ')}.`);
  return parts.join('\n\n');
}

/** The last `effect.history` messages before this one, then this message. */
function conversation(effect: AgentEffect, history: readonly HistoryEntry[]): AgentMessage[] {
  const past = history.at(-1)?.role === 'user' && history.at(-1)?.text === effect.message ? history.slice(0, -1) : history;
  const messages: AgentMessage[] = past.slice(-effect.history).map((h) => (h.role === 'user' ? { role: 'user', text: h.text } : { role: 'assistant', text: h.text }));
  messages.push({ role: 'user', text: effect.message });
  return messages;
}

interface Outcome {
  slots: Record<string, unknown>;
  exit: string | null;
  reason: string | null;
}

async function runTool(deps: AgentDeps, at: At, toolbox: AgentToolbox, call: ToolCallRequest, outcome: Outcome, trace: TraceEvent[]): Promise<string> {
  const target = toolbox.targets.get(call.name);
  if (!target) return JSON.stringify({ error: `There is no tool named '${call.name}'.` });
  switch (target.kind) {
    case 'integration': {
      const { result, trace: event } = await callIntegrationTool(deps, at, target, call.arguments);
      trace.push(event);
      return result;
    }
    case 'knowledge': {
      const { result, trace: event } = await searchTool(deps.knowledge, at, String(call.arguments.query ?? ''));
      if (event) trace.push(event);
      return result;
    }
    case 'slots':
      Object.assign(outcome.slots, call.arguments);
      return JSON.stringify({ saved: Object.keys(call.arguments) });
    case 'finish': {
      const exit = String(call.arguments.exit ?? '');
      if (!toolbox.exits.has(exit)) return JSON.stringify({ error: `'${exit}' is not one of the exits: ${[...toolbox.exits].join(', ')}.` });
      outcome.exit = exit;
      outcome.reason = typeof call.arguments.reason === 'string' ? call.arguments.reason : null;
      return JSON.stringify({ ok: true });
    }
    default: {
      const unreachable: never = target;
      throw new Error(`unknown tool target ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * One agent turn: model steps, each maybe calling tools whose results go back to the model, until it
 * replies without calling a tool, calls `finish`, or runs out of steps or money. Every model and
 * tool call lands in the trace; a failing tool is a result the model sees, not the end of the turn.
 */
export async function runAgent(deps: AgentDeps, at: At, effect: AgentEffect, history: readonly HistoryEntry[]): Promise<{ value: AgentValue; trace: TraceEvent[] }> {
  const trace: TraceEvent[] = [];
  const toolbox = await buildToolbox(deps, at.tenantId, effect);
  const messages = conversation(effect, history);
  const known = Object.fromEntries(Object.entries(effect.filled).filter(([, v]) => v !== null));
  const outcome: Outcome = { slots: {}, exit: null, reason: null };
  let costUsd = 0;
  let reply: string | null = null;
  let stopped: AgentValue['stopped'] = 'max_steps';
  let steps = 0;
  while (steps < effect.maxSteps) {
    if (costUsd >= effect.maxCostUsd) {
      stopped = 'max_cost';
      break;
    }
    steps += 1;
    const answer = await deps.models.converse(at.tenantId, { instructions: instructionsOf(effect), messages, data: known, tools: toolbox.specs });
    trace.push(...usageToTrace(answer.usage, at.state, at.now()));
    costUsd += answer.usage.reduce((sum, u) => sum + u.costUsd, 0);
    if (!answer.ok) {
      stopped = 'model_failed';
      break;
    }
    if (answer.toolCalls.length === 0) {
      reply = answer.text || null;
      stopped = null;
      break;
    }
    messages.push({ role: 'assistant', text: answer.text, toolCalls: answer.toolCalls });
    for (const call of answer.toolCalls) {
      messages.push({ role: 'tool', toolCallId: call.id, name: call.name, result: await runTool(deps, at, toolbox, call, outcome, trace) });
    }
    if (outcome.exit !== null) {
      reply = answer.text || null;
      stopped = null;
      break;
    }
  }
  return { value: { reply, exit: outcome.exit, reason: outcome.reason, slots: outcome.slots, steps, costUsd, stopped }, trace };
}
