/**
 * Prompt injection: `generate.instructions` go into the model's system prompt, as the builder's own
 * words. Templating what a user typed into them (`{{ message.text }}`, a slot filled from free text)
 * lets that user write instructions of their own. The models module already sends the conversation
 * scope to the model as data it must not obey, so instructions only need to name what to use.
 */
import { flowWarning, type FlowIssue } from './flow-issue.js';
import type { FlowState } from './state-schema.js';

/** Scope roots whose values come from what users send. */
const USER_ROOTS = ['message', 'payload', 'slots', 'entities', 'user'] as const;
const MARKUP = /\{\{([^]*?)\}\}|\{%([^]*?)%\}/g;
/** A root at the start of a variable path, not a property (`x.slots`) or inside a quoted string. */
const ROOT = new RegExp(`(?<![\\w.'"])(${USER_ROOTS.join('|')})(?![\\w])`, 'g');

/** The user-controlled variables a template reads (`message.text`, `slots.name`…), by root. */
export function userTextIn(template: string): string[] {
  const found = new Set<string>();
  for (const block of template.matchAll(MARKUP)) {
    const code = (block[1] ?? block[2] ?? '').replace(/'[^']*'|"[^"]*"/g, '""');
    for (const root of code.matchAll(ROOT)) if (root[1]) found.add(root[1]);
  }
  return [...found];
}

export function instructionIssues(states: Record<string, FlowState>): FlowIssue[] {
  return Object.entries(states).flatMap(([name, state]) => {
    if (state.type !== 'response' || !state.generate) return [];
    const roots = userTextIn(state.generate.instructions);
    if (roots.length === 0) return [];
    const what = roots.map((root) => `'${root}'`).join(', ');
    return [
      flowWarning(
        `states.${name}.generate.instructions`,
        'user_text_in_instructions',
        `the instructions template in data that users control (${what}), so a user could slip in instructions of their own (prompt injection); ` +
          `the model already receives message, slots and vars as conversation data it will not obey, so name the data in plain words instead ` +
          `(e.g. "confirm the order number in slots.order_id") and keep the instructions your own text`,
      ),
    ];
  });
}
