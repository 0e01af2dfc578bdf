/**
 * Two small SVG charts (time series and horizontal bars). The dashboards need little more, and
 * drawing them by hand keeps the console a few kB lighter than uPlot or Chart.js would.
 */
import { segments } from './segments';

export interface Series {
  name: string;
  color: string;
  /** null: no data for that bucket; a line breaks there instead of dropping to 0. */
  values: (number | null)[];
}

const W = 560;
const H = 200;
const PAD = { left: 40, right: 22, top: 12, bottom: 28 };

const niceMax = (v: number) => {
  if (v <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / step) * step;
};

export function TimeChart(props: { title: string; labels: string[]; series: Series[]; kind?: 'line' | 'bar' }) {
  const max = niceMax(Math.max(0, ...props.series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const n = props.labels.length;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (n <= 1 ? innerW / 2 : (i * innerW) / (n - 1));
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const every = Math.max(1, Math.ceil(n / 7));
  const slot = innerW / Math.max(1, n);
  const barW = Math.max(2, (slot * 0.8) / Math.max(1, props.series.length));
  return (
    <figure className="chart" data-testid="chart">
      <figcaption>
        {props.title}
        <span className="legend">
          {props.series.map((s) => (
            <span key={s.name}>
              <i style={{ background: s.color }} /> {s.name}
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(max * f)} y2={y(max * f)} className="grid" />
            <text x={PAD.left - 6} y={y(max * f) + 4} textAnchor="end" className="axis">
              {Math.round(max * f * 100) / 100}
            </text>
          </g>
        ))}
        {props.labels.map((label, i) =>
          i % every === 0 ? (
            <text key={label} x={props.kind === 'bar' ? PAD.left + slot * (i + 0.5) : x(i)} y={H - 8} textAnchor="middle" className="axis">
              {label}
            </text>
          ) : null,
        )}
        {props.series.map((s, si) =>
          props.kind === 'bar' ? (
            s.values.map((v, i) =>
              v === null ? null : (
                <rect key={`${s.name}-${i}`} x={PAD.left + slot * i + slot * 0.1 + si * barW} y={y(v)} width={barW} height={Math.max(0, y(0) - y(v))} fill={s.color}>
                  <title>{`${props.labels[i]}: ${s.name} ${v}`}</title>
                </rect>
              ),
            )
          ) : (
            <g key={s.name} data-series={s.name}>
              {segments(s.values).map((run) => (
                <polyline key={run[0]![0]} fill="none" stroke={s.color} strokeWidth="2" points={run.map(([i, v]) => `${x(i)},${y(v)}`).join(' ')} />
              ))}
              {s.values.map((v, i) =>
                v === null ? null : (
                  <circle key={i} cx={x(i)} cy={y(v)} r="3" fill={s.color}>
                    <title>{`${props.labels[i]}: ${s.name} ${v}`}</title>
                  </circle>
                ),
              )}
            </g>
          ),
        )}
      </svg>
    </figure>
  );
}

/** Bars scale to the largest value, or to each row's own `of` (its 100%) when given. */
export function BarList(props: { title: string; rows: { label: string; value: number; of?: number; note?: string }[] }) {
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  const share = (r: { value: number; of?: number }) => (r.of === undefined ? r.value / max : r.of > 0 ? r.value / r.of : 0);
  return (
    <figure className="chart bars" data-testid="chart">
      <figcaption>{props.title}</figcaption>
      {props.rows.length === 0 ? <div className="muted">No data in this range.</div> : null}
      {props.rows.map((r) => (
        <div className="bar-row" key={r.label}>
          <span className="label" title={r.label}>
            {r.label}
          </span>
          <span className="bar">
            <i style={{ width: `${Math.min(1, share(r)) * 100}%` }} />
          </span>
          <span className="value">
            {r.value}
            {r.note ? <span className="muted"> {r.note}</span> : null}
          </span>
        </div>
      ))}
    </figure>
  );
}
