/**
 * The working state of one `step` call: a private copy of the context, the work queue, and what
 * the call produces (replies, trace, side effects). Helpers here never throw on bad data: a
 * failing condition or template becomes a trace entry.
 */
import type { ActionRuntime } from './actions/define-action.js';
import { EvaluationBudget } from './budget.js';
import type { CompiledFlow } from './compile-flow.js';
import type { Condition } from './condition-schema.js';
import { conditionLabel } from './conditions.js';
import type { FlowContext, Phase } from './context.js';
import { getPath, isObject, parseWritablePath, setPath, unsetPath } from './paths.js';
import { hasRichContent, renderRichContent, type RichContentSpec } from './reply-content.js';
import { buildScope } from './scope.js';
import { newStepSummary, type StepSummary } from './step-summary.js';
import type { Button, Reply, SideEffect } from './step-types.js';
import type { TraceEvent, TraceEventBody } from './trace.js';

export const SAFE_REPLY = "Sorry, something went wrong on our side. Let's start over.";

export class Turn {
  readonly replies: Reply[] = [];
  readonly trace: TraceEvent[] = [];
  readonly sideEffects: SideEffect[] = [];
  /** What this step decided (fallback, goal, handoff…), noted where it decides it. */
  readonly summary: StepSummary = newStepSummary();
  queue: Phase[] = [];
  /** Shared by every condition and template of the turn; `step` may hand in the turn's own. */
  budget = new EvaluationBudget();
  /** Set once the run ended for being over budget, so that it ends (and replies) once. */
  budgetReported = false;
  /** The conversation's own flow; `flow` is the one running, a called sub-flow's while it runs. */
  readonly rootFlow: CompiledFlow;
  /** Sub-flows the executor loaded. */
  flows: (flowId: string, version: number) => CompiledFlow | undefined = () => undefined;
  /** The waiting state that took this turn's message, if one did. */
  takenBy: string | null = null;
  /** True while a new run's first message is handled: a greeting is not a miss. */
  firstMessage = false;

  constructor(
    public flow: CompiledFlow,
    public ctx: FlowContext,
    readonly now: string,
    readonly maxSteps: number,
  ) {
    this.rootFlow = flow;
  }

  emit(body: TraceEventBody): void {
    this.trace.push({ ...body, at: this.now } as TraceEvent);
  }

  /** A problem of the flow or its run, for the bot builder's trace and the turn's summary. */
  error(code: string, message: string, state: string | null = this.ctx.state): void {
    this.emit({ type: 'error', state, code, message });
    this.summary.errors.push({ state, code });
  }

  /** A slot got a value. */
  slotSet(state: string | null, slot: string, value: unknown, source: Extract<TraceEventBody, { type: 'slot_set' }>['source']): void {
    this.emit({ type: 'slot_set', state, slot, value, source });
    this.summary.slotsFilled.push({ state, slot });
  }

  scope(extra?: Record<string, unknown>): Record<string, unknown> {
    const scope = buildScope(this.ctx, this.flow.savedNames, this.now);
    return extra ? Object.assign(scope, extra) : scope;
  }

  test(condition: Condition | undefined, extra?: Record<string, unknown>): boolean {
    if (condition === undefined) return true;
    const outcome = this.flow.condition(condition).test(this.scope(extra), this.budget);
    if (outcome.error) this.emit({ type: 'condition_error', state: this.ctx.state, condition: conditionLabel(condition), message: outcome.error });
    return outcome.value;
  }

  text(source: string, extra?: Record<string, unknown>): string {
    const outcome = this.flow.template(source).render(this.scope(extra), this.budget);
    if (outcome.error) this.emit({ type: 'template_error', state: this.ctx.state, template: source, message: outcome.error });
    return outcome.value;
  }

  value(source: unknown): unknown {
    if (typeof source === 'string') {
      const outcome = this.flow.value(source).evaluate(this.scope(), this.budget);
      if (outcome.error) this.emit({ type: 'template_error', state: this.ctx.state, template: source, message: outcome.error });
      return outcome.value;
    }
    if (Array.isArray(source)) return source.map((item) => this.value(item));
    if (isObject(source)) return Object.fromEntries(Object.entries(source).map(([k, v]) => [k, this.value(v)]));
    return source ?? null;
  }

  /** Variations rotate with the turn number: deterministic, yet not the same line every turn. */
  pick(say: string | string[] | undefined): string | undefined {
    if (say === undefined || typeof say === 'string') return say;
    return say[this.ctx.turn % say.length];
  }

  /** Sends a rendered reply; an empty text with no buttons (e.g. a failed template) is dropped. */
  reply(say: string | string[] | undefined, buttons?: Button[], quickReplies?: Button[], rich?: RichContentSpec): void {
    const source = this.pick(say);
    const text = source === undefined ? '' : this.text(source);
    this.sendText(text, buttons, quickReplies, rich);
  }

  sendText(text: string, buttons?: Button[], quickReplies?: Button[], rich?: RichContentSpec): void {
    const render = (list: Button[] | undefined): Button[] | undefined => list?.map((b) => ({ title: this.text(b.title), payload: b.payload }));
    const reply: Reply = { type: 'text', text };
    const b = render(buttons);
    const q = render(quickReplies);
    if (b) reply.buttons = b;
    if (q) reply.quickReplies = q;
    const content = rich ? renderRichContent(rich, (source) => this.text(source), (message) => this.emit({ type: 'template_error', state: this.ctx.state, template: 'rich content', message })) : {};
    if (hasRichContent(content)) Object.assign(reply, content);
    if (!text.trim() && !b && !q && !hasRichContent(content)) return;
    this.replies.push(reply);
    this.emit({ type: 'reply', state: this.ctx.state, text });
  }

  write(path: string, value: unknown, source: 'action' = 'action'): void {
    const target = parseWritablePath(path);
    if (!target) {
      this.error('invalid_path', `cannot write '${path}'`);
      return;
    }
    setPath(this.ctx[target.root], target.rest, value);
    if (target.root === 'slots') this.slotSet(this.ctx.state, target.rest.join('.'), value, source);
    else this.emit({ type: 'var_set', state: this.ctx.state, path, value });
  }

  actionRuntime(): ActionRuntime {
    return {
      state: this.ctx.state,
      context: this.ctx,
      value: (source) => this.value(source),
      text: (source) => this.text(source),
      read: (path) => getPath(this.ctx, path),
      write: (path, value) => this.write(path, value),
      remove: (path) => {
        const target = parseWritablePath(path);
        if (target) unsetPath(this.ctx[target.root], target.rest);
      },
      trace: (body) => this.emit(body),
      error: (code, message) => this.error(code, message),
      sideEffect: (effect) => this.sideEffects.push(effect),
      nextEffectId: () => this.nextEffectId(),
    };
  }

  nextEffectId(): string {
    this.ctx.internal.effectSeq += 1;
    return `t${this.ctx.turn}e${this.ctx.internal.effectSeq}`;
  }
}
