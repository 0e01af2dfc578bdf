import { createHash } from 'node:crypto';
import type { CompiledFlow } from './flow/index.js';

/**
 * Which trained NLU model a flow uses. Published versions never change, so their key is the
 * version; drafts change, so theirs follows the content, and an edited draft is retrained.
 */
export function modelKeyOf(flowId: string, version: number | 'draft', flow: CompiledFlow): string {
  if (version !== 'draft') return `${flowId}@${version}`;
  const digest = createHash('sha256').update(JSON.stringify(flow.nlu)).digest('hex').slice(0, 16);
  return `${flowId}@draft-${digest}`;
}
