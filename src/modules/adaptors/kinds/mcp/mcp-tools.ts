import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { CallError } from '../../call-error.js';
import type { OperationInfo } from '../../contract.js';

export interface ToolEntry {
  info: OperationInfo;
  /** The tool's input JSON Schema as zod, or null when zod cannot express it (the server then checks). */
  check: z.ZodType | null;
}

function compile(schema: unknown): z.ZodType | null {
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return null;
  }
}

/** The server's tools as operations; read-only or idempotent hints make them retryable. */
export function indexTools(tools: readonly Tool[], only?: readonly string[]): Map<string, ToolEntry> {
  const entries = new Map<string, ToolEntry>();
  for (const tool of tools) {
    if (only && !only.includes(tool.name)) continue;
    const idempotent = tool.annotations?.idempotentHint === true || tool.annotations?.readOnlyHint === true;
    const description = tool.description ?? tool.title;
    entries.set(tool.name, {
      info: { name: tool.name, ...(description ? { description } : {}), idempotent, inputSchema: tool.inputSchema },
      check: compile(tool.inputSchema),
    });
  }
  return entries;
}

export function checkToolInput(entry: ToolEntry, input: Record<string, unknown>): Record<string, unknown> {
  if (!entry.check) return input;
  const parsed = entry.check.safeParse(input);
  if (parsed.success) return input;
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
  throw new CallError('invalid_input', `Tool '${entry.info.name}' rejects this input (${issues.join('; ')}).`);
}

interface ToolResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
}

/** A tool's answer as one value: its structured content, else its text (parsed when it is JSON). */
export function toolValue(name: string, result: ToolResult): unknown {
  const content = Array.isArray(result.content) ? (result.content as { type?: string; text?: string }[]) : [];
  const texts = content.filter((c) => c.type === 'text' && typeof c.text === 'string').map((c) => c.text!);
  const text = texts.join('\n');
  if (result.isError === true) throw new CallError('tool_error', `Tool '${name}' failed: ${text.slice(0, 500) || 'no details'}.`);
  if (result.structuredContent !== undefined) return result.structuredContent;
  if (texts.length !== content.length) return content;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
