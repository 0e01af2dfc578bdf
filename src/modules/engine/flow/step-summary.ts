/**
 * What one `step` decided about the turn, noted by the code that decides it (the executor merges
 * a turn's steps into its `TurnSummary`). Analytics stores these fields as they are: what counts as
 * a fallback, a goal or a handoff is the engine's to say, not something to re-read from the trace.
 */
export interface StepSummary {
  /**
   * The message started a run of the flow from its start: a new conversation, one whose run had
   * ended, or one whose run could not go on (an `error` says why).
   */
  started: boolean;
  /** How the waiting state that took the message understood it; null when no state took it (a run that never waited, a conversation with a person). */
  intent: {
    /** The intent the message was given; models' FALLBACK_INTENT ('fallback') when none was (below the threshold, or nothing to classify). */
    name: string;
    confidence: number | null;
    provider: string;
    /** The state that took the message. */
    state: string | null;
  } | null;
  /**
   * The state that took the message did not understand it: `no_match` (no transition matched: it
   * said its fallback line, or went on to `fallback.then`), `unclear_answer` (a confirmation or a
   * "which slot" question that got neither answer; it asks again). A new run's first message is
   * never one: its greeting answered it. Slot answers that fail validation are not fallbacks either.
   */
  fallback: { state: string; reason: 'no_match' | 'unclear_answer'; then: string | null } | null;
  /** The conversation reached an `end` state (not an error stop). */
  ended: boolean;
  /** The `end` state it reached is a goal. */
  goal: boolean;
  /** The conversation was handed to a person in this turn (later messages to the person are not handoffs). */
  handoff: boolean;
  /** States entered, each once, in the order first entered. */
  statesEntered: string[];
  /** States left, in order. */
  statesExited: string[];
  slotsFilled: { state: string | null; slot: string }[];
  errors: { state: string | null; code: string }[];
}

export function newStepSummary(): StepSummary {
  return { started: false, intent: null, fallback: null, ended: false, goal: false, handoff: false, statesEntered: [], statesExited: [], slotsFilled: [], errors: [] };
}

/** Adds a later step of the same turn (after an effect) to what the turn's earlier steps decided. */
export function addStep(into: StepSummary, step: StepSummary): void {
  into.started ||= step.started;
  into.intent = step.intent ?? into.intent;
  into.fallback = step.fallback ?? into.fallback;
  into.ended ||= step.ended;
  into.goal ||= step.goal;
  into.handoff ||= step.handoff;
  for (const state of step.statesEntered) if (!into.statesEntered.includes(state)) into.statesEntered.push(state);
  into.statesExited.push(...step.statesExited);
  into.slotsFilled.push(...step.slotsFilled);
  into.errors.push(...step.errors);
}
