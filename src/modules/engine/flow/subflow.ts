/**
 * Sub-flows: a `flow` state runs another flow of the tenant with its own slots and vars, then
 * returns to the caller's transitions with outputs mapped back. The called flow arrives from the
 * executor (an effect finds it by name; `StepOptions.flows` hands over its compiled form), and the
 * call stack is part of the context, so a sub-flow may wait for the user across many turns.
 */
import type { CompiledFlow } from './compile-flow.js';
import type { FlowFrame } from './context.js';
import type { FlowRepair } from './flow-schema.js';
import { requestEffect } from './effects.js';
import { endWithError, leave, type RunOutcome } from './leave.js';
import type { StateOf } from './state-schema.js';
import type { Turn } from './turn.js';

/** How deep sub-flows may nest; a deeper call fails (`on_error`), so a cycle made at run time ends. */
export const MAX_FLOW_DEPTH = 8;

type FlowCallState = StateOf<'flow'>;

/** The flow that frame `index` returns to: the previous frame's flow, or the conversation's own. */
function callerOf(turn: Turn, index: number): CompiledFlow | undefined {
  const frame = turn.ctx.internal.frames[index - 1];
  return frame ? turn.flows(frame.flowId, frame.version) : turn.rootFlow;
}

/** Makes `turn.flow` the flow the context runs in; false when the executor did not load it. */
export function selectRunningFlow(turn: Turn): boolean {
  const top = turn.ctx.internal.frames[turn.ctx.internal.frames.length - 1];
  if (!top) return true;
  const flow = turn.flows(top.flowId, top.version);
  if (flow) turn.flow = flow;
  return flow !== undefined;
}

function callFailed(turn: Turn, name: string, state: FlowCallState, code: string, message: string): RunOutcome | null {
  turn.ctx.internal.result = { error: { code, message } };
  if (state.on_error === undefined) return endWithError(turn, code, message);
  turn.error(code, message, name);
  return leave(turn, name, state.on_error, null, 'on_error');
}

export function startFlowCall(turn: Turn, name: string, state: FlowCallState): RunOutcome | null {
  if (turn.ctx.internal.frames.length >= MAX_FLOW_DEPTH) {
    return callFailed(turn, name, state, 'flow_depth', `sub-flows nest more than ${MAX_FLOW_DEPTH} deep at '${state.flow}'; does a flow call one that calls it back?`);
  }
  const effect = { id: turn.nextEffectId(), kind: 'flow' as const, flow: state.flow, version: state.version ?? null };
  return requestEffect(turn, effect, { kind: 'flow', state: name });
}

/** The executor found (or failed to find) the flow a `flow` state calls. */
export function onFlowFound(turn: Turn, name: string, found: { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }): RunOutcome | null {
  const state = turn.flow.definition.states[name];
  if (state?.type !== 'flow') return endWithError(turn, 'unknown_state', `state '${name}' is not a flow state in this flow version`);
  if (!found.ok) return callFailed(turn, name, state, found.error.code, found.error.message);
  const ref = found.value as { flowId?: unknown; version?: unknown } | null;
  const callee = typeof ref?.flowId === 'string' && typeof ref.version === 'number' ? turn.flows(ref.flowId, ref.version) : undefined;
  if (!callee || typeof ref?.flowId !== 'string' || typeof ref.version !== 'number') {
    return callFailed(turn, name, state, 'flow_unavailable', `flow '${state.flow}' could not be loaded`);
  }
  const { ctx } = turn;
  // Inputs are read in the caller's scope, before the called flow's data replaces it.
  const inputs = Object.entries(state.input ?? {}).map(([path, source]) => [path, turn.value(source)] as const);
  const frame: FlowFrame = {
    flowId: ref.flowId,
    version: ref.version,
    name: state.flow,
    state: name,
    slots: ctx.slots,
    vars: ctx.vars,
    returnStack: ctx.internal.returnStack,
    skipped: ctx.internal.skipped,
  };
  ctx.internal.frames.push(frame);
  Object.assign(ctx, { slots: {}, vars: {} });
  Object.assign(ctx.internal, { returnStack: [], skipped: [] });
  turn.flow = callee;
  for (const [path, value] of inputs) turn.write(path, value);
  turn.emit({ type: 'flow_called', state: name, flow: state.flow, version: ref.version, depth: ctx.internal.frames.length });
  turn.queue = [{ at: 'enter', state: callee.definition.start }];
  return null;
}

/** Puts the caller of frame `index` back in charge, with its data; frames from `index` on are dropped. */
function restoreCaller(turn: Turn, index: number): { frame: FlowFrame; caller: CompiledFlow } | null {
  const { ctx } = turn;
  const frame = ctx.internal.frames[index];
  const caller = callerOf(turn, index);
  if (!frame || !caller) return null;
  ctx.internal.frames.length = index;
  Object.assign(ctx, { slots: frame.slots, vars: frame.vars, state: frame.state, status: 'active' });
  Object.assign(ctx.internal, { returnStack: frame.returnStack, skipped: frame.skipped });
  turn.flow = caller;
  return { frame, caller };
}

/** An `end` state of a called flow: outputs go back to the caller, whose `flow` state moves on. */
export function returnFromFlow(turn: Turn): RunOutcome | null {
  const index = turn.ctx.internal.frames.length - 1;
  const callee = turn.flow;
  const caller = callerOf(turn, index);
  const callState = caller?.definition.states[turn.ctx.internal.frames[index]?.state ?? ''];
  if (callState?.type !== 'flow' || !caller) return endWithError(turn, 'unknown_state', 'the flow that called this one no longer has its flow state');
  // Outputs are the caller's templates, evaluated over the called flow's data.
  const scope = turn.scope();
  const outputs = Object.entries(callState.output ?? {}).map(([path, source]) => {
    const outcome = typeof source === 'string' ? caller.value(source).evaluate(scope, turn.budget) : { value: source, error: undefined };
    if (outcome.error) turn.emit({ type: 'template_error', state: turn.ctx.state, template: String(source), message: outcome.error });
    return [path, outcome.value ?? null] as const;
  });
  const restored = restoreCaller(turn, index);
  if (!restored) return endWithError(turn, 'flow_unavailable', `the flow that called '${callee.definition.name}' could not be loaded`);
  for (const [path, value] of outputs) turn.write(path, value);
  turn.emit({ type: 'flow_returned', state: restored.frame.state, flow: restored.frame.name, output: Object.fromEntries(outputs) });
  turn.queue = [{ at: 'transitions', state: restored.frame.state }];
  return null;
}

/**
 * The nearest flow, from the running one outwards, that has `repair.cancel`, and the frame to
 * unwind to (null: the running flow has it). Changes nothing; `unwindTo` does.
 */
export function cancelTarget(turn: Turn): { cancel: NonNullable<FlowRepair['cancel']>; frame: number | null } | null {
  const own = turn.flow.definition.repair?.cancel;
  if (own) return { cancel: own, frame: null };
  const frames = turn.ctx.internal.frames;
  for (let index = frames.length - 1; index >= 0; index -= 1) {
    const cancel = callerOf(turn, index)?.definition.repair?.cancel;
    if (cancel) return { cancel, frame: index };
  }
  return null;
}

/** Ends the sub-flow calls from frame `index` on, without outputs; returns the caller's `flow` state. */
export function unwindTo(turn: Turn, index: number): string | null {
  return restoreCaller(turn, index)?.frame.state ?? null;
}
