/**
 * States and transitions of a flow, laid out in layers (breadth-first from `start`, ordered by
 * the mean position of their parents). Flows have tens of states, for which this small layout
 * reads well; a general layout engine (dagre, elkjs) would add 100–400 kB for little gain.
 */
export interface GraphNode {
  id: string;
  type: string;
  x: number;
  y: number;
  reachable: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  label: string;
  global: boolean;
}

export interface FlowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Transitions tried in every waiting state, drawn as a badge on their target. */
  globals: GraphEdge[];
  width: number;
  height: number;
}

export const NODE_W = 150;
export const NODE_H = 44;
const GAP_X = 40;
const GAP_Y = 70;
const MARGIN = 20;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function conditionLabel(when: unknown): string {
  if (when === undefined) return 'otherwise';
  if (typeof when === 'string') return when;
  return JSON.stringify(when);
}

/** The value at a dotted path (`waiting.then`), or undefined. */
function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((current, key) => (isObj(current) ? current[key] : undefined), value);
}

/**
 * Every transition the flow declares, from a parsed definition (whatever shape it has while being
 * typed): `next`, transitions, global transitions, and each state kind's own target fields as the
 * server's registry lists them (`targetFields`, by state type).
 */
export function collectEdges(definition: unknown, targetFields: ReadonlyMap<string, readonly string[]> = new Map()): { states: Map<string, string>; edges: GraphEdge[]; start: string | null } {
  const states = new Map<string, string>();
  const edges: GraphEdge[] = [];
  if (!isObj(definition)) return { states, edges, start: null };
  const rawStates = isObj(definition.states) ? definition.states : {};
  for (const [name, state] of Object.entries(rawStates)) states.set(name, isObj(state) ? (str(state.type) ?? '?') : '?');
  const push = (from: string, to: unknown, label: string, global = false) => {
    const target = str(to);
    if (target) edges.push({ from, to: target, label, global });
  };
  for (const [name, state] of Object.entries(rawStates)) {
    if (!isObj(state)) continue;
    push(name, state.next, 'next');
    if (Array.isArray(state.transitions)) {
      for (const t of state.transitions) if (isObj(t)) push(name, t.to, conditionLabel(t.when));
    }
    for (const field of targetFields.get(str(state.type) ?? '') ?? []) push(name, at(state, field), field);
  }
  if (Array.isArray(definition.global)) {
    for (const t of definition.global) if (isObj(t)) push('*', t.to, `global: ${conditionLabel(t.when)}`, true);
  }
  return { states, edges, start: str(definition.start) };
}

export function layoutFlow(definition: unknown, targetFields?: ReadonlyMap<string, readonly string[]>): FlowGraph {
  const { states, edges, start } = collectEdges(definition, targetFields);
  const rank = new Map<string, number>();
  const queue: string[] = [];
  if (start && states.has(start)) {
    rank.set(start, 0);
    queue.push(start);
  }
  const globalTargets = edges.filter((e) => e.global).map((e) => e.to);
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const e of edges) {
      if (e.from === id && states.has(e.to) && !rank.has(e.to)) {
        rank.set(e.to, rank.get(id)! + 1);
        queue.push(e.to);
      }
    }
    // Global targets are reachable from any waiting state; place them after the deepest so far.
    if (queue.length === 0) {
      const deepest = Math.max(0, ...rank.values());
      for (const t of globalTargets) {
        if (states.has(t) && !rank.has(t) && rank.size > 0) {
          rank.set(t, deepest + 1);
          queue.push(t);
        }
      }
    }
  }
  const reachableRanks = Math.max(-1, ...rank.values());
  const layers: string[][] = [];
  for (const id of states.keys()) {
    const r = rank.get(id) ?? reachableRanks + 1;
    (layers[r] ??= []).push(id);
  }
  const position = new Map<string, number>();
  layers.forEach((layer) => {
    const parentMean = (id: string) => {
      const parents = edges.filter((e) => e.to === id && position.has(e.from)).map((e) => position.get(e.from)!);
      return parents.length ? parents.reduce((a, b) => a + b, 0) / parents.length : Number.MAX_SAFE_INTEGER;
    };
    layer.sort((a, b) => parentMean(a) - parentMean(b));
    layer.forEach((id, i) => position.set(id, i));
  });
  const widest = Math.max(1, ...layers.map((l) => l?.length ?? 0));
  const width = MARGIN * 2 + widest * NODE_W + (widest - 1) * GAP_X;
  const nodes: GraphNode[] = [];
  layers.forEach((layer, r) => {
    const span = layer.length * NODE_W + (layer.length - 1) * GAP_X;
    const left = (width - span) / 2;
    layer.forEach((id, i) => {
      nodes.push({ id, type: states.get(id) ?? '?', x: left + i * (NODE_W + GAP_X), y: MARGIN + r * (NODE_H + GAP_Y), reachable: rank.has(id) });
    });
  });
  const height = MARGIN * 2 + Math.max(1, layers.length) * (NODE_H + GAP_Y) - GAP_Y;
  return { nodes, edges: edges.filter((e) => !e.global && states.has(e.to)), globals: edges.filter((e) => e.global), width, height };
}
