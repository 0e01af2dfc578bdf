import { AppError } from '../../shared/app-error.js';
import type { AnalyticsQueryInput, Bucket } from './contract.js';

const BUCKET_MS: Record<Bucket, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const DEFAULT_RANGE_MS = 7 * BUCKET_MS.day;
/** Enough for a year by day or two weeks by the minute; more points than a chart can show. */
const MAX_POINTS = 20_000;

export interface ResolvedQuery {
  from: string;
  to: string;
  bucket: Bucket;
  flowId?: string;
  flowVersion?: number;
  channel?: string;
  name?: string;
}

/** Defaults the range (the 7 days up to now) and refuses one that is empty or too finely bucketed. */
export function resolveQuery(input: AnalyticsQueryInput, nowMs: number): ResolvedQuery {
  const toMs = input.to ? Date.parse(input.to) : nowMs;
  const fromMs = input.from ? Date.parse(input.from) : toMs - DEFAULT_RANGE_MS;
  if (fromMs >= toMs) {
    throw new AppError('bad_request', '`from` must be before `to`.', { details: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() } });
  }
  if ((toMs - fromMs) / BUCKET_MS[input.bucket] > MAX_POINTS) {
    throw new AppError('bad_request', `That range has more than ${MAX_POINTS} ${input.bucket}s; use a larger bucket or a shorter range.`);
  }
  const { from: _f, to: _t, ...rest } = input;
  return { ...rest, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}

/** Whole hours: counts can then come from the hourly rollup instead of the raw events. */
export const hourAligned = (q: ResolvedQuery): boolean =>
  q.bucket !== 'minute' && Date.parse(q.from) % BUCKET_MS.hour === 0 && Date.parse(q.to) % BUCKET_MS.hour === 0;

/**
 * The WHERE clause shared by every query (tenant, time range, filters) as parameters, and the
 * bucket expression (`date_trunc` in UTC, whatever the session's time zone) on the same column.
 */
export function whereClause(tenantId: string, q: ResolvedQuery, timeColumn = 'time') {
  const params: unknown[] = [tenantId, q.from, q.to, q.bucket];
  // `$4 IS NOT NULL` types the bucket parameter for the queries that do not bucket.
  const clauses = [`tenant_id = $1`, `${timeColumn} >= $2::timestamptz`, `${timeColumn} < $3::timestamptz`, `$4::text IS NOT NULL`];
  const add = (column: string, value: unknown) => {
    params.push(value);
    clauses.push(`${column} = $${params.length}`);
  };
  if (q.flowId !== undefined) add('flow_id', q.flowId);
  if (q.flowVersion !== undefined) add('flow_version', q.flowVersion);
  if (q.channel !== undefined) add('channel', q.channel);
  return { where: clauses.join(' AND '), params, bucket: `date_trunc($4::text, ${timeColumn}, 'UTC')` };
}

export const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
export const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
