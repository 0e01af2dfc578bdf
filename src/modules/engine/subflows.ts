import { isAppError } from '../../shared/app-error.js';
import type { EffectOutcome } from './effects.js';
import type { CompiledFlow, ConversationSnapshot, PendingEffect } from './flow/index.js';

/** Where a turn finds the flows that `flow` states call: always within the turn's own tenant. */
export interface SubflowSource {
  /** A published flow by name: `version`, or the latest when null. Throws flow_not_found / flow_not_published. */
  find(tenantId: string, name: string, version: number | null): Promise<{ flowId: string; version: number; compiled: CompiledFlow }>;
  get(tenantId: string, flowId: string, version: number): Promise<CompiledFlow>;
}

/** The sub-flows one turn has loaded, handed to `step` as `StepOptions.flows`. */
export class LoadedFlows {
  private readonly flows = new Map<string, CompiledFlow>();

  readonly lookup = (flowId: string, version: number): CompiledFlow | undefined => this.flows.get(`${flowId}@${version}`);

  add(flowId: string, version: number, flow: CompiledFlow): void {
    this.flows.set(`${flowId}@${version}`, flow);
  }

  /**
   * Loads the flows of the snapshot's sub-flow calls; returns the running one (the innermost) with
   * its model key, or null when the conversation's own flow runs. A flow that cannot be loaded is
   * left out: `step` then starts the conversation over with an error in the trace.
   */
  async loadFrames(source: SubflowSource | undefined, tenantId: string, snapshot: ConversationSnapshot | null): Promise<{ flow: CompiledFlow; modelKey: string } | null> {
    let running: { flow: CompiledFlow; modelKey: string } | null = null;
    if (snapshot?.status === 'ended') return null;
    for (const frame of snapshot?.frames ?? []) {
      const flow = await source?.get(tenantId, frame.flowId, frame.version).catch((error: unknown) => {
        if (isAppError(error)) return undefined;
        throw error;
      });
      if (!flow) return null;
      this.add(frame.flowId, frame.version, flow);
      running = { flow, modelKey: `${frame.flowId}@${frame.version}` };
    }
    return running;
  }

  /** Performs a `flow` effect: finds the called flow and keeps it for the step that resumes. */
  async find(source: SubflowSource | undefined, tenantId: string, effect: Extract<PendingEffect, { kind: 'flow' }>, now: string): Promise<EffectOutcome> {
    const fail = (code: string, message: string): EffectOutcome => ({ event: { type: 'effect_result', effectId: effect.id, ok: false, error: { code, message }, now }, calls: [] });
    if (!source) return fail('flow_unavailable', `flow '${effect.flow}' cannot be called here: sub-flows are found among the workspace's published flows`);
    try {
      const found = await source.find(tenantId, effect.flow, effect.version);
      this.add(found.flowId, found.version, found.compiled);
      return { event: { type: 'effect_result', effectId: effect.id, ok: true, value: { flowId: found.flowId, version: found.version }, now }, calls: [] };
    } catch (error) {
      if (isAppError(error)) return fail(error.code, error.message);
      throw error;
    }
  }
}
