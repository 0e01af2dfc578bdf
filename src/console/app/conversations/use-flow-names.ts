import { api } from '../api/client';
import type { FlowSummary } from '../api/types';
import { useAsync } from '../ui/async';

/**
 * Flow ids → names, for traces and headers. Roles that cannot read flows (agents) get the ids,
 * which is all the API lets them see.
 */
export function useFlowNames(canReadFlows: boolean): (flowId: string) => string {
  const flows = useAsync(
    () => (canReadFlows ? api.get<{ flows: FlowSummary[] }>('/flows').then((r) => new Map(r.flows.map((f) => [f.id, f.name]))) : Promise.resolve(new Map<string, string>())),
    [canReadFlows],
  );
  return (flowId) => (flows.status === 'ready' ? (flows.data.get(flowId) ?? flowId) : flowId);
}
