import type { Adaptors } from '../adaptors/contract.js';
import type { Knowledge, SearchResult } from '../knowledge/contract.js';
import type { ToolSpec } from '../models/contract.js';
import type { PendingEffect, TraceEvent } from './flow/index.js';

type AgentEffect = Extract<PendingEffect, { kind: 'agent' }>;
const TOOL_TIMEOUT_MS = 10_000;
const ANY_OBJECT = { type: 'object', additionalProperties: true };

export const SEARCH_TOOL = 'search_knowledge';
export const SLOTS_TOOL = 'save_details';
export const FINISH_TOOL = 'finish';

/** What a tool name stands for: the executor dispatches on it, the model only sees the name. */
export type ToolTarget =
  | { kind: 'integration'; integration: string; operation: string }
  | { kind: 'knowledge' }
  | { kind: 'slots' }
  | { kind: 'finish' };

export interface AgentToolbox {
  specs: ToolSpec[];
  targets: Map<string, ToolTarget>;
  /** The state's exit names, which `finish` accepts. */
  exits: Set<string>;
}

/** Provider tool names allow letters, digits, `_` and `-`, up to 64. */
const toolName = (integration: string, operation: string): string => `${integration}__${operation}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);

/** Descriptions and input schemas of the integrations' operations (MCP tools bring theirs), where known. */
async function operationInfo(adaptors: Adaptors, tenantId: string, names: Set<string>) {
  const info = new Map<string, { description?: string; inputSchema?: unknown }>();
  const integrations = (await adaptors.listIntegrations(tenantId)).filter((i) => names.has(i.name));
  for (const integration of integrations) {
    const operations = await adaptors.listOperations(tenantId, integration.id).catch(() => []);
    for (const op of operations) info.set(`${integration.name}/${op.name}`, op);
  }
  return info;
}

/**
 * The tools an agent state declares, as the model sees them. Names and schemas only: credentials
 * stay in the adaptors, which the calls go through.
 */
export async function buildToolbox(deps: { adaptors: Adaptors }, tenantId: string, effect: AgentEffect): Promise<AgentToolbox> {
  const specs: ToolSpec[] = [];
  const targets = new Map<string, ToolTarget>();
  const integrationNames = new Set(effect.tools.flatMap((t) => ('integration' in t ? [t.integration] : [])));
  const info = integrationNames.size > 0 ? await operationInfo(deps.adaptors, tenantId, integrationNames).catch(() => new Map()) : new Map();
  for (const tool of effect.tools) {
    if ('knowledge' in tool) {
      targets.set(SEARCH_TOOL, { kind: 'knowledge' });
      const description = tool.description ?? "Search the company's documents (policies, FAQs, manuals) for passages that answer a question.";
      specs.push({ name: SEARCH_TOOL, description, parameters: { type: 'object', properties: { query: { type: 'string', description: 'What to look for' } }, required: ['query'] } });
      continue;
    }
    const name = toolName(tool.integration, tool.operation);
    const known = info.get(`${tool.integration}/${tool.operation}`);
    const schema = known?.inputSchema && typeof known.inputSchema === 'object' ? (known.inputSchema as Record<string, unknown>) : ANY_OBJECT;
    targets.set(name, { kind: 'integration', integration: tool.integration, operation: tool.operation });
    specs.push({ name, description: tool.description ?? known?.description ?? `Operation '${tool.operation}' of the '${tool.integration}' system.`, parameters: schema });
  }
  if (effect.slots.length > 0) {
    targets.set(SLOTS_TOOL, { kind: 'slots' });
    const properties = Object.fromEntries(effect.slots.map((s) => [s, { type: 'string' }]));
    specs.push({ name: SLOTS_TOOL, description: 'Save details the customer gave (only the ones you are sure of).', parameters: { type: 'object', properties } });
  }
  const exits = Object.entries(effect.exits);
  if (exits.length > 0) {
    targets.set(FINISH_TOOL, { kind: 'finish' });
    const description = `End your part of the conversation when one of these holds: ${exits.map(([exit, when]) => `${exit}: ${when}`).join('; ')}.`;
    specs.push({ name: FINISH_TOOL, description, parameters: { type: 'object', properties: { exit: { type: 'string', enum: exits.map(([exit]) => exit) }, reason: { type: 'string' } }, required: ['exit'] } });
  }
  return { specs, targets, exits: new Set(exits.map(([exit]) => exit)) };
}

export function searchTrace(state: string | null, question: string, result: Pick<SearchResult, 'hits' | 'mode'>, at: string, method?: string): TraceEvent {
  return {
    type: 'knowledge_search',
    state,
    question,
    mode: result.mode,
    hits: result.hits.map((h) => ({ source: h.citation.sourceName, chunk: h.citation.chunk, score: h.score, coverage: h.coverage })),
    ...(method ? { method } : {}),
    at,
  };
}

/** Runs one integration tool through the adaptors (SSRF guard, breakers, retries, redaction). */
export async function callIntegrationTool(
  deps: { adaptors: Adaptors },
  at: { tenantId: string; state: string | null; now: () => string },
  target: Extract<ToolTarget, { kind: 'integration' }>,
  args: Record<string, unknown>,
): Promise<{ result: string; trace: TraceEvent }> {
  const outcome = await deps.adaptors.execute(at.tenantId, { integration: target.integration, operation: target.operation, input: args, timeoutMs: TOOL_TIMEOUT_MS });
  const base = { type: 'integration_call', state: at.state, integration: target.integration, operation: target.operation, latencyMs: outcome.latencyMs, at: at.now() } as const;
  return outcome.ok
    ? { result: JSON.stringify(outcome.value ?? null), trace: { ...base, ok: true } }
    : { result: JSON.stringify({ error: outcome.error }), trace: { ...base, ok: false, error: outcome.error } };
}

export async function searchTool(knowledge: Knowledge | undefined, at: { tenantId: string; state: string | null; now: () => string }, query: string) {
  if (!knowledge || !query.trim()) return { result: JSON.stringify({ passages: [] }), trace: null };
  const found = await knowledge.search(at.tenantId, { question: query, limit: 3 });
  const passages = found.relevant ? found.hits.map((h) => ({ source: h.citation.sourceName, text: h.text })) : [];
  return { result: JSON.stringify({ passages }), trace: searchTrace(at.state, query, found, at.now()) };
}
