/**
 * Rewrites a CEL AST so that DESIGN §4's null rules hold: every path rooted in the scope
 * (`vars.goal`, `entities["order_id"]`, `intent`) becomes a placeholder variable that the
 * evaluator pre-resolves (a missing path reads as null instead of cel-js' "No such key"),
 * `has(a.b)` becomes a presence flag, and ordering operators become functions under which
 * comparing null with anything is false. Two rewrites keep evaluation bounded: every comprehension
 * iteration first calls `__tick()`, which counts against the turn's budget (cel-js has parse-time
 * limits only), so does the size of what `+` builds, and `.matches()` becomes `__matches()`, which
 * runs on RE2 instead of JS RegExp.
 */

export interface CelNode {
  op: string;
  args: unknown;
}

export interface Placeholder {
  name: string;
  path: string[];
  /** `has` placeholders hold whether the path exists rather than its value. */
  kind: 'value' | 'has';
}

export const ORDERING_FUNCTIONS: Record<string, string> = { '<': '__lt', '<=': '__le', '>': '__gt', '>=': '__ge' };
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
/** Receivers that are CEL namespaces, not scope roots. */
const NAMESPACES = new Set(['cel']);

export const isNode = (value: unknown): value is CelNode =>
  typeof value === 'object' && value !== null && 'op' in value && 'args' in value;

const node = (op: string, args: unknown): CelNode => ({ op, args });

/** `cel.bind(__t, __tick(), body)`: the tick runs before the body, whatever the body's type. */
const ticked = (body: CelNode): CelNode =>
  node('rcall', ['bind', node('id', 'cel'), [node('id', '__t'), node('call', ['__tick', []]), body]]);

/**
 * `cel.bind(__g, a + b, __grown(__g) ? __g : __g)`: charges the size of what `+` built (list
 * elements, characters), since `cel.bind(b, a + a, cel.bind(c, b + b, …))` doubles a list per
 * level with no comprehension at all. The sum keeps its static type, so type checks still apply.
 */
const charged = (sum: CelNode): CelNode => {
  const g = node('id', '__g');
  return node('rcall', ['bind', node('id', 'cel'), [g, sum, node('?:', [node('call', ['__grown', [g]]), g, g])]]);
};

function chainOf(n: CelNode, bound: ReadonlySet<string>): string[] | null {
  if (n.op === 'id' && typeof n.args === 'string') return bound.has(n.args) ? null : [n.args];
  if (!Array.isArray(n.args)) return null;
  const [left, key] = n.args as unknown[];
  if (!isNode(left)) return null;
  if (n.op === '.' && typeof key === 'string') {
    const base = chainOf(left, bound);
    return base ? [...base, key] : null;
  }
  if (n.op === '[]' && isNode(key) && key.op === 'value' && (typeof key.args === 'string' || typeof key.args === 'bigint')) {
    const base = chainOf(left, bound);
    return base ? [...base, String(key.args)] : null;
  }
  return null;
}

export class CelRewriter {
  readonly placeholders: Placeholder[] = [];
  /** Paths compared with string literals, e.g. `intent == "x"`, for validation warnings. */
  readonly comparedLiterals: { path: string; value: string }[] = [];
  /** Patterns written as literals in `.matches("…")`, checked at validation. */
  readonly regexLiterals: string[] = [];

  rewrite(n: CelNode, bound: ReadonlySet<string> = new Set()): CelNode {
    const chain = chainOf(n, bound);
    if (chain) return this.placeholder(chain, 'value');
    const args = n.args;
    if (!Array.isArray(args)) return isNode(args) ? node(n.op, this.rewrite(args, bound)) : n;
    if (n.op === 'call' && args[0] === 'has' && Array.isArray(args[1]) && args[1].length === 1) {
      const target = args[1][0] as unknown;
      const path = isNode(target) ? chainOf(target, bound) : null;
      if (path) return this.placeholder(path, 'has');
    }
    if (n.op === 'call') {
      const callArgs = (args[1] as CelNode[]).map((a) => this.rewrite(a, bound));
      return args[0] === 'matches' && callArgs.length === 2 ? this.matches(callArgs, args[1] as CelNode[]) : node('call', [args[0], callArgs]);
    }
    if (n.op === 'rcall') return this.rewriteReceiverCall(args, bound);
    if (n.op === 'map') {
      return node('map', (args as [CelNode, CelNode][]).map(([k, v]) => [this.rewrite(k, bound), this.rewrite(v, bound)]));
    }
    this.noteComparison(n, bound);
    const rewritten = args.map((a: unknown) => (isNode(a) ? this.rewrite(a, bound) : a));
    const ordering = ORDERING_FUNCTIONS[n.op];
    if (ordering) return node('call', [ordering, rewritten]);
    return n.op === '+' ? charged(node('+', rewritten)) : node(n.op, rewritten);
  }

  private rewriteReceiverCall(args: unknown[], bound: ReadonlySet<string>): CelNode {
    const [name, receiver, callArgs] = args as [string, CelNode, CelNode[]];
    const isNamespace = receiver.op === 'id' && typeof receiver.args === 'string' && NAMESPACES.has(receiver.args);
    const first = callArgs[0];
    const binds = (COMPREHENSIONS.has(name) || (isNamespace && name === 'bind')) && first?.op === 'id';
    const inner = binds ? new Set([...bound, String(first.args)]) : bound;
    const newArgs = callArgs.map((a, i) => {
      if (binds && i === 0) return a;
      // cel.bind(v, init, body): init is outside the binding, body inside.
      return this.rewrite(a, isNamespace && name === 'bind' && i === 1 ? bound : inner);
    });
    const target = isNamespace ? receiver : this.rewrite(receiver, bound);
    if (name === 'matches' && !isNamespace && newArgs.length === 1) return this.matches([target, ...newArgs], [receiver, ...callArgs]);
    // The first body argument runs once per iteration (the predicate, or map's transform).
    if (binds && !isNamespace && newArgs[1]) newArgs[1] = ticked(newArgs[1]);
    return node('rcall', [name, target, newArgs]);
  }

  private matches(rewritten: CelNode[], original: CelNode[]): CelNode {
    const pattern = original[1];
    if (pattern?.op === 'value' && typeof pattern.args === 'string') this.regexLiterals.push(pattern.args);
    return node('call', ['__matches', rewritten]);
  }

  private noteComparison(n: CelNode, bound: ReadonlySet<string>): void {
    if (n.op !== '==' && n.op !== '!=' && n.op !== 'in') return;
    const [left, right] = n.args as CelNode[];
    if (!left || !right) return;
    const leftPath = chainOf(left, bound);
    const rightPath = chainOf(right, bound);
    const literals = (side: CelNode): string[] => {
      if (side.op === 'value' && typeof side.args === 'string') return [side.args];
      if (side.op === 'list' && Array.isArray(side.args)) {
        return (side.args as CelNode[]).flatMap((item) => (item.op === 'value' && typeof item.args === 'string' ? [item.args] : []));
      }
      return [];
    };
    if (leftPath) literals(right).forEach((value) => this.comparedLiterals.push({ path: leftPath.join('.'), value }));
    if (rightPath && n.op !== 'in') literals(left).forEach((value) => this.comparedLiterals.push({ path: rightPath.join('.'), value }));
  }

  private placeholder(path: string[], kind: Placeholder['kind']): CelNode {
    const existing = this.placeholders.find((p) => p.kind === kind && p.path.join('\u0000') === path.join('\u0000'));
    const name = existing?.name ?? `__${kind === 'has' ? 'h' : 'p'}${this.placeholders.length}`;
    if (!existing) this.placeholders.push({ name, path, kind });
    return node('id', name);
  }
}
