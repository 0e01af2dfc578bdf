import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { type GraphNode, layoutFlow, NODE_H, NODE_W } from './graph-layout';
import { useTargetFields } from './state-types';

const MIN_ZOOM = 0.25;
const MAX_ZOOM = 2;
const clampZoom = (z: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.round(z * 100) / 100));

/**
 * Zoom for the hand-drawn graph (it uses no graph library to borrow zoom from): the SVG is drawn
 * at `zoom` times its size inside a scrolling box; "Fit" picks the zoom that shows it whole.
 * It starts fitted, never above 100%, so a large flow opens as an overview.
 */
function useZoom(width: number, height: number) {
  const box = useRef<HTMLDivElement>(null);
  const [zoom, setZoom] = useState<number | 'fit'>('fit');
  const [fitted, setFitted] = useState(1);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || zoom !== 'fit') return;
    const maxHeight = Math.max(200, window.innerHeight * 0.7);
    setFitted(clampZoom(Math.min(1, (el.clientWidth - 4) / width, maxHeight / height)));
  }, [zoom, width, height]);
  const current = zoom === 'fit' ? fitted : zoom;
  return {
    box,
    zoom: current,
    zoomIn: () => setZoom(clampZoom(current * 1.25)),
    zoomOut: () => setZoom(clampZoom(current / 1.25)),
    fit: () => setZoom('fit'),
  };
}

/** The flow as a picture: states as boxes, transitions as arrows; the try-it path highlighted. */
export function FlowGraph(props: { definition: unknown; visited?: readonly string[]; current?: string | null }) {
  const targetFields = useTargetFields();
  const graph = useMemo(() => layoutFlow(props.definition, targetFields), [props.definition, targetFields]);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const visited = new Set(props.visited ?? []);
  const view = useZoom(graph.width + 80, graph.height);
  if (graph.nodes.length === 0) return <div className="empty">No states to draw yet.</div>;

  const edgePath = (a: GraphNode, b: GraphNode, index: number) => {
    const ax = a.x + NODE_W / 2;
    const bx = b.x + NODE_W / 2;
    if (a.id === b.id) {
      const x = a.x + NODE_W;
      const y = a.y + NODE_H / 2;
      return `M ${x} ${y - 8} C ${x + 40} ${y - 30}, ${x + 40} ${y + 30}, ${x} ${y + 8}`;
    }
    if (b.y > a.y) {
      const ay = a.y + NODE_H;
      const by = b.y;
      const mid = (ay + by) / 2;
      return `M ${ax} ${ay} C ${ax} ${mid}, ${bx} ${mid}, ${bx} ${by}`;
    }
    // Back edges (loops to an earlier layer) go round the side so they do not cross the boxes.
    const side = a.x + NODE_W + 20 + (index % 4) * 10;
    const sx = Math.max(side, b.x + NODE_W + 20 + (index % 4) * 10);
    return `M ${a.x + NODE_W} ${a.y + NODE_H / 2} C ${sx + 30} ${a.y + NODE_H / 2}, ${sx + 30} ${b.y + NODE_H / 2}, ${b.x + NODE_W} ${b.y + NODE_H / 2}`;
  };

  return (
    <div className="graph-box">
      <div className="graph-tools" role="toolbar" aria-label="Zoom">
        <button type="button" onClick={view.zoomOut} aria-label="Zoom out" disabled={view.zoom <= MIN_ZOOM}>−</button>
        <span className="zoom small" data-testid="zoom">{Math.round(view.zoom * 100)}%</span>
        <button type="button" onClick={view.zoomIn} aria-label="Zoom in" disabled={view.zoom >= MAX_ZOOM}>+</button>
        <button type="button" onClick={view.fit}>Fit</button>
      </div>
      <div className="graph-scroll" ref={view.box}>
        <svg className="flow-graph" viewBox={`0 0 ${graph.width + 80} ${graph.height}`} width={(graph.width + 80) * view.zoom} height={graph.height * view.zoom} role="img" aria-label="Flow graph">
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" fill="#7a8799" />
            </marker>
          </defs>
          {graph.edges.map((e, i) => {
            const a = byId.get(e.from);
            const b = byId.get(e.to);
            if (!a || !b) return null;
            const hot = visited.has(e.from) && visited.has(e.to);
            return (
              <path key={`${e.from}-${e.to}-${i}`} d={edgePath(a, b, i)} className={hot ? 'edge hot' : 'edge'} markerEnd="url(#arrow)">
                <title>{`${e.from} → ${e.to}: ${e.label}`}</title>
              </path>
            );
          })}
          {graph.nodes.map((n) => {
            const globals = graph.globals.filter((g) => g.to === n.id);
            const classes = ['node', `type-${n.type}`, n.reachable ? '' : 'unreachable', visited.has(n.id) ? 'visited' : '', props.current === n.id ? 'current' : ''];
            return (
              <g key={n.id} className={classes.join(' ')} transform={`translate(${n.x},${n.y})`} data-state={n.id}>
                <title>{`${n.id} (${n.type})${n.reachable ? '' : ' — unreachable'}${globals.map((g) => `\n${g.label}`).join('')}`}</title>
                <rect width={NODE_W} height={NODE_H} rx="8" />
                <text x={NODE_W / 2} y={18} textAnchor="middle" className="name">
                  {n.id.length > 18 ? `${n.id.slice(0, 17)}…` : n.id}
                </text>
                <text x={NODE_W / 2} y={34} textAnchor="middle" className="kind">
                  {n.type}
                  {globals.length ? ' · global' : ''}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
    </div>
  );
}
