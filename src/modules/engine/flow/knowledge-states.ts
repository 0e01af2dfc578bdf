/**
 * `answer` (reply from the knowledge base) and `agent` (an LLM with tools, which waits for messages
 * like an intent state) as steps of the pure core: each requests one effect, and its result
 * decides the replies, slots and the way out.
 */
import type { Resume } from './context.js';
import { requestEffect } from './effects.js';
import { leave, type RunOutcome } from './leave.js';
import { isObject } from './paths.js';
import type { StateOf } from './state-schema.js';
import type { PendingEffect, StepEvent } from './step-types.js';
import type { Turn } from './turn.js';

export const DEFAULT_HISTORY = 6;
export const DEFAULT_AGENT_STEPS = 5;
export const DEFAULT_AGENT_COST_USD = 0.05;
export const DEFAULT_AGENT_TURNS = 20;
const AGENT_FALLBACK = "Sorry, I can't help with that right now.";

type EffectResult = Extract<StepEvent, { type: 'effect_result' }>;
type AgentState = StateOf<'agent'>;

export interface AnswerValue {
  text: string;
  method: 'model' | 'passage' | 'none';
  citations: unknown[];
}

export interface AgentValue {
  reply: string | null;
  exit: string | null;
  reason: string | null;
  slots: Record<string, unknown>;
  steps: number;
  costUsd: number;
  /** Why the loop stopped without the model choosing an exit. */
  stopped: 'max_steps' | 'max_cost' | 'model_failed' | null;
}

export function enterAnswer(turn: Turn, name: string, state: StateOf<'answer'>): RunOutcome {
  const message = turn.ctx.internal.message ?? turn.ctx.internal.pendingMessage;
  const question = state.question ? turn.text(state.question) : (message?.text ?? '');
  const effect: PendingEffect = {
    id: turn.nextEffectId(),
    kind: 'answer',
    question,
    ...(state.instructions ? { instructions: turn.text(state.instructions) } : {}),
    ...(state.no_answer ? { noAnswer: turn.text(state.no_answer) } : {}),
    history: state.history ?? DEFAULT_HISTORY,
    limit: state.limit ?? 5,
  };
  return requestEffect(turn, effect, { kind: 'answer', state: name });
}

export function applyAnswerResult(turn: Turn, resume: Extract<Resume, { kind: 'answer' }>, event: EffectResult): RunOutcome | null {
  const state = turn.flow.definition.states[resume.state];
  if (state?.type !== 'answer') return null;
  const value = event.ok && isObject(event.value) ? (event.value as unknown as AnswerValue) : null;
  const found = value !== null && value.method !== 'none';
  if (state.save_as) turn.write(`vars.${state.save_as}`, value ?? { text: null, method: 'none', citations: [] });
  if (!found && state.on_no_answer) return leave(turn, resume.state, state.on_no_answer, null, 'on_no_answer');
  turn.sendText(value?.text ?? (state.no_answer ? turn.text(state.no_answer) : "Sorry, I couldn't find that in our documents."));
  turn.queue.unshift({ at: 'transitions', state: resume.state });
  return null;
}

function agentEffect(turn: Turn, name: string, state: AgentState, text: string): PendingEffect {
  return {
    id: turn.nextEffectId(),
    kind: 'agent',
    state: name,
    goal: turn.text(state.goal),
    instructions: state.instructions ? turn.text(state.instructions) : '',
    tools: state.tools ?? [],
    slots: state.slots ?? [],
    exits: state.exits ?? {},
    filled: Object.fromEntries((state.slots ?? []).map((s) => [s, turn.ctx.slots[s] ?? null])),
    message: text,
    history: state.history ?? DEFAULT_HISTORY,
    maxSteps: state.max_steps ?? DEFAULT_AGENT_STEPS,
    maxCostUsd: state.max_cost_usd ?? DEFAULT_AGENT_COST_USD,
  };
}

/** On entry the agent works on the message of this turn, if there is one; otherwise it waits for one. */
export function enterAgent(turn: Turn, name: string, state: AgentState): RunOutcome {
  turn.ctx.vars.agent = { state: name, turns: 0, exit: null, reason: null };
  const internal = turn.ctx.internal;
  const message = internal.pendingMessage ?? internal.message;
  internal.pendingMessage = null;
  if (!message?.text) {
    turn.ctx.status = 'waiting';
    return 'waiting';
  }
  internal.message = message;
  return requestEffect(turn, agentEffect(turn, name, state, message.text), { kind: 'agent', state: name });
}

/** A message for a waiting agent: global transitions first, then the agent's next step. */
export function onAgentMessage(turn: Turn, name: string, state: AgentState): RunOutcome | null {
  const flow = turn.flow.definition;
  for (const [index, transition] of (flow.global ?? []).entries()) {
    if (turn.test(transition.when)) return leave(turn, name, transition.to, { list: 'global', index }, `global[${index}]`);
  }
  const agent = isObject(turn.ctx.vars.agent) && turn.ctx.vars.agent.state === name ? turn.ctx.vars.agent : { state: name, turns: 0, exit: null, reason: null };
  const turns = (typeof agent.turns === 'number' ? agent.turns : 0) + 1;
  turn.ctx.vars.agent = { ...agent, turns };
  if (turns > (state.max_turns ?? DEFAULT_AGENT_TURNS)) return exitAgent(turn, name, 'max_turns', 'the agent took as many messages as it may');
  return requestEffect(turn, agentEffect(turn, name, state, turn.ctx.internal.message?.text ?? ''), { kind: 'agent', state: name });
}

function exitAgent(turn: Turn, name: string, exit: string, reason: string | null): null {
  const agent = isObject(turn.ctx.vars.agent) ? turn.ctx.vars.agent : {};
  turn.write('vars.agent', { ...agent, state: name, exit, reason });
  turn.queue.unshift({ at: 'transitions', state: name });
  return null;
}

export function applyAgentResult(turn: Turn, resume: Extract<Resume, { kind: 'agent' }>, event: EffectResult): RunOutcome | null {
  const state = turn.flow.definition.states[resume.state];
  if (state?.type !== 'agent') return null;
  const value = event.ok && isObject(event.value) ? (event.value as unknown as AgentValue) : null;
  const allowed = new Set(state.slots ?? []);
  for (const [slot, slotValue] of Object.entries(value?.slots ?? {})) {
    if (allowed.has(slot)) turn.write(`slots.${slot}`, slotValue);
  }
  if (value?.reply) turn.sendText(value.reply);
  const stopped = value === null ? 'model_failed' : value.stopped;
  if (stopped) {
    turn.reply(state.fallback ?? AGENT_FALLBACK);
    return exitAgent(turn, resume.state, stopped, event.ok ? null : event.error.message);
  }
  if (value?.exit) return exitAgent(turn, resume.state, value.exit, value.reason);
  turn.ctx.status = 'waiting';
  return 'waiting';
}
