import { AppError } from '../../shared/app-error.js';
import type { SqlExecutor } from '../storage/contract.js';
import type { FlowDefinition } from './flow/index.js';

export interface PublishedFlow {
  flowId: string;
  version: number;
  definition: FlowDefinition;
}

/** A published version of the tenant's flow called `name`: `version`, or the latest when null. */
export async function findPublished(tx: SqlExecutor, tenantId: string, name: string, version: number | null): Promise<PublishedFlow | null> {
  const [row] = await tx.query<{ id: string; version: number; definition: FlowDefinition }>(
    `SELECT f.id, v.version, v.definition FROM flows f
     JOIN flow_versions v ON v.tenant_id = f.tenant_id AND v.flow_id = f.id
     WHERE f.tenant_id = $1 AND f.name = $2
       AND v.version = coalesce($3::integer, (SELECT max(x.version) FROM flow_versions x WHERE x.tenant_id = $1 AND x.flow_id = f.id))`,
    [tenantId, name, version],
  );
  return row ? { flowId: row.id, version: row.version, definition: row.definition } : null;
}

export function notPublished(name: string, version: number | null): AppError {
  return version === null
    ? new AppError('flow_not_found', `No published flow named '${name}' in this workspace; publish it first.`)
    : new AppError('flow_not_found', `Flow '${name}' has no published version ${version} in this workspace.`);
}

const callsOf = (flow: FlowDefinition): { flow: string; version: number | null; state: string }[] =>
  Object.entries(flow.states).flatMap(([state, s]) => (s.type === 'flow' ? [{ flow: s.flow, version: s.version ?? null, state }] : []));

const MAX_CHECKED = 200;

/**
 * Before `flow` is published: every flow it calls is published, and no chain of calls leads back
 * to it (a cycle would only stop at the run-time depth limit). Follows the versions a call would
 * run today: the pinned one, else the latest.
 */
export async function checkFlowCalls(tx: SqlExecutor, tenantId: string, flow: FlowDefinition): Promise<void> {
  const seen = new Set<string>();
  const walk = async (current: FlowDefinition, path: string[]): Promise<void> => {
    for (const call of callsOf(current)) {
      if (call.flow === flow.name) {
        const cycle = [...path, call.flow].join(' → ');
        throw new AppError('flow_invalid', `The flow has errors: sub-flows call each other in a cycle (${cycle}); a conversation would never come back.`, {
          details: { issues: [{ path: `states.${call.state}.flow`, code: 'flow_cycle', severity: 'error', message: `calls form a cycle: ${cycle}` }] },
        });
      }
      const key = `${call.flow}@${call.version ?? 'latest'}`;
      if (seen.has(key) || seen.size >= MAX_CHECKED) continue;
      seen.add(key);
      const callee = await findPublished(tx, tenantId, call.flow, call.version);
      if (!callee) {
        if (path.length > 1) continue; // a missing flow deeper down fails at run time, via on_error
        const message = notPublished(call.flow, call.version).message;
        throw new AppError('flow_invalid', `The flow has errors: states.${call.state}.flow: ${message}`, {
          details: { issues: [{ path: `states.${call.state}.flow`, code: 'unknown_flow', severity: 'error', message }] },
        });
      }
      await walk(callee.definition, [...path, call.flow]);
    }
  };
  await walk(flow, [flow.name]);
}
