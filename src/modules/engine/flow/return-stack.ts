/**
 * Digressions: a global transition taken from a waiting state remembers that state, and the
 * target `@return` goes back to it (DESIGN §4, conversation repair). The stack lives in the
 * context, so a digression may span turns; it is bounded so that flows which never return
 * cannot grow it.
 */
import type { Turn } from './turn.js';

export const RETURN_TARGET = '@return';
const MAX_DEPTH = 10;

export function pushReturn(turn: Turn, state: string): void {
  const stack = turn.ctx.internal.returnStack;
  if (stack[stack.length - 1] === state) return;
  stack.push(state);
  if (stack.length > MAX_DEPTH) stack.shift();
}

/** The state `@return` goes to: the latest interrupted one, else the flow's start. */
export function popReturn(turn: Turn): string {
  return turn.ctx.internal.returnStack.pop() ?? turn.flow.definition.start;
}
