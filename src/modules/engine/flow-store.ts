import { AppError } from '../../shared/app-error.js';
import { locateYaml } from '../../shared/yaml-lines.js';
import type { Ids } from '../../shared/ids.js';
import type { Clock } from '../../shared/clock.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import { isUniqueViolation } from '../storage/index.js';
import type { FlowDetail, FlowIssue, FlowSummary } from './contract.js';
import { checkFlowCalls, findPublished, notPublished } from './flow-calls.js';
import { type FlowDefinition, parseFlowSource, validateFlow } from './flow/index.js';

interface FlowRow extends Record<string, unknown> {
  id: string;
  name: string;
  source: string;
  definition: FlowDefinition;
  warnings: FlowIssue[];
  /** The saved draft's errors; null when it is valid. */
  draft_errors: FlowIssue[] | null;
  is_default: boolean;
  published_version: number | null;
  created_at: string;
  updated_at: string;
}

const SELECT_FLOW = `
  SELECT f.*, (SELECT max(v.version) FROM flow_versions v WHERE v.flow_id = f.id) AS published_version
  FROM flows f`;

const toSummary = (row: FlowRow): FlowSummary => ({
  id: row.id,
  name: row.name,
  isDefault: row.is_default,
  publishedVersion: row.published_version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export type FlowCheck = { ok: true; flow: FlowDefinition; warnings: FlowIssue[] } | { ok: false; issues: FlowIssue[] };

/** Parses and validates flow source against the tenant's integrations; every issue at once, with its line. */
export function checkFlowSource(source: string | object, integrations?: readonly string[]): FlowCheck {
  const parsed = parseFlowSource(source);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const checked = validateFlow(parsed.value, { integrations });
  if (typeof source !== 'string') return checked;
  return checked.ok ? { ...checked, warnings: withLines(source, checked.warnings) } : { ok: false, issues: withLines(source, checked.issues) };
}

/** Issues found on the parsed flow point back into the text the builder wrote. */
function withLines(source: string, issues: FlowIssue[]): FlowIssue[] {
  if (issues.length === 0) return issues;
  const locator = locateYaml(source);
  return issues.map((issue) => {
    if (issue.line !== undefined || !issue.path) return issue;
    const line = locator.lineOf(issue.path);
    return line === null ? issue : { ...issue, line };
  });
}

/** The same check, for writes: throws flow_invalid carrying every issue. */
function requireValidFlow(source: string | object, integrations?: readonly string[]) {
  const checked = checkFlowSource(source, integrations);
  if (!checked.ok) throw invalid(checked.issues);
  return checked;
}

const sourceText = (source: string | object) => (typeof source === 'string' ? source : JSON.stringify(source, null, 2));

function invalid(issues: FlowIssue[], lead = 'The flow has errors'): AppError {
  const errors = issues.filter((i) => i.severity === 'error');
  const first = errors[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'the flow is not valid';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return new AppError('flow_invalid', `${lead}: ${summary}${more}.`, { details: { issues } });
}

/**
 * How long an instance trusts the default version it read: every new conversation needs it, and a
 * publish or default change on another instance reaches this one's new conversations within it
 * (this instance's own changes apply at once).
 */
const DEFAULT_VERSION_TTL_MS = 1000;

export function createFlowStore(deps: { sql: Sql; ids: Ids; clock: Clock }) {
  const { sql, ids, clock } = deps;
  const defaults = new Map<string, { value: Promise<{ flowId: string; version: number } | null>; until: number }>();

  /** A change that may move the default version: this instance forgets the one it cached once it commits. */
  async function changingDefault<T>(tenantId: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    try {
      return await sql.withTenant(tenantId, fn);
    } finally {
      defaults.delete(tenantId);
    }
  }

  async function getRow(tx: SqlExecutor, tenantId: string, flowId: string): Promise<FlowRow> {
    const [row] = await tx.query<FlowRow>(`${SELECT_FLOW} WHERE f.tenant_id = $1 AND f.id = $2`, [tenantId, flowId]);
    if (!row) throw new AppError('flow_not_found', `No flow with id '${flowId}' in this workspace.`);
    return row;
  }

  async function detail(tx: SqlExecutor, tenantId: string, row: FlowRow): Promise<FlowDetail> {
    const versions = await tx.query<{ version: number; published_at: string }>(
      'SELECT version, published_at FROM flow_versions WHERE tenant_id = $1 AND flow_id = $2 ORDER BY version',
      [tenantId, row.id],
    );
    return {
      ...toSummary(row),
      source: row.source,
      definition: row.definition,
      warnings: row.warnings,
      errors: row.draft_errors ?? [],
      versions: versions.map((v) => ({ version: v.version, publishedAt: v.published_at })),
    };
  }

  return {
    async create(tenantId: string, source: string | object, integrations?: readonly string[]): Promise<FlowDetail> {
      const { flow, warnings } = requireValidFlow(source, integrations);
      const text = sourceText(source);
      try {
        return await sql.withTenant(tenantId, async (tx) => {
          const [row] = await tx.query<FlowRow>(
            `INSERT INTO flows (id, tenant_id, name, source, definition, warnings) VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING *, NULL::integer AS published_version`,
            [`flow_${ids.token(9)}`, tenantId, flow.name, text, JSON.stringify(flow), JSON.stringify(warnings)],
          );
          return detail(tx, tenantId, row!);
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError('conflict', `A flow named '${flow.name}' already exists; edit it instead of creating it again.`);
        }
        throw error;
      }
    },

    /**
     * Replaces the draft; published versions are untouched (running conversations keep theirs).
     * With `allowErrors`, a draft with errors is kept as written (its errors listed) instead of refused.
     */
    async update(tenantId: string, flowId: string, source: string | object, options: { integrations?: readonly string[]; allowErrors?: boolean } = {}): Promise<FlowDetail> {
      const checked = checkFlowSource(source, options.integrations);
      if (!checked.ok && !options.allowErrors) throw invalid(checked.issues);
      try {
        return await sql.withTenant(tenantId, async (tx) => {
          const [row] = checked.ok
            ? await tx.query<FlowRow>(
                `UPDATE flows SET name = $3, source = $4, definition = $5, warnings = $6, draft_errors = NULL, updated_at = now()
                 WHERE tenant_id = $1 AND id = $2
                 RETURNING *, (SELECT max(v.version) FROM flow_versions v WHERE v.flow_id = flows.id) AS published_version`,
                [tenantId, flowId, checked.flow.name, sourceText(source), JSON.stringify(checked.flow), JSON.stringify(checked.warnings)],
              )
            : await tx.query<FlowRow>(
                `UPDATE flows SET source = $3, draft_errors = $4, warnings = $5, updated_at = now()
                 WHERE tenant_id = $1 AND id = $2
                 RETURNING *, (SELECT max(v.version) FROM flow_versions v WHERE v.flow_id = flows.id) AS published_version`,
                [tenantId, flowId, sourceText(source), JSON.stringify(checked.issues.filter((i) => i.severity === 'error')), JSON.stringify(checked.issues.filter((i) => i.severity !== 'error'))],
              );
          if (!row) throw new AppError('flow_not_found', `No flow with id '${flowId}' in this workspace.`);
          return detail(tx, tenantId, row);
        });
      } catch (error) {
        if (checked.ok && isUniqueViolation(error)) throw new AppError('conflict', `Another flow is already named '${checked.flow.name}'.`);
        throw error;
      }
    },

    async version(tenantId: string, flowId: string, version: number) {
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ source: string; definition: FlowDefinition; published_at: string }>(
          'SELECT source, definition, published_at FROM flow_versions WHERE tenant_id = $1 AND flow_id = $2 AND version = $3',
          [tenantId, flowId, version],
        ),
      );
      if (!row) throw new AppError('flow_not_found', `Flow '${flowId}' has no version ${version} in this workspace.`);
      return { flowId, version, source: row.source, definition: row.definition, publishedAt: row.published_at };
    },

    /** The draft's definition, for trying it before it is published, or for publishing it. */
    async draftOf(tenantId: string, flowId: string, use: 'try' | 'publish' = 'try'): Promise<FlowDefinition> {
      const row = await sql.withTenant(tenantId, (tx) => getRow(tx, tenantId, flowId));
      if (row.draft_errors) {
        throw invalid(row.draft_errors, use === 'try' ? 'The saved draft has errors; fix them before trying it' : 'The draft has errors, so it cannot be published');
      }
      return row.definition;
    },

    async latestVersion(tenantId: string, flowId: string): Promise<number> {
      const row = await sql.withTenant(tenantId, (tx) => getRow(tx, tenantId, flowId));
      if (row.published_version === null) {
        throw new AppError('flow_not_published', `Flow '${row.name}' has no published version yet; publish it or use ?draft=true.`);
      }
      return row.published_version;
    },

    async list(tenantId: string): Promise<FlowSummary[]> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<FlowRow>(`${SELECT_FLOW} WHERE f.tenant_id = $1 ORDER BY f.created_at, f.id`, [tenantId]),
      );
      return rows.map(toSummary);
    },

    async get(tenantId: string, flowId: string): Promise<FlowDetail> {
      return sql.withTenant(tenantId, async (tx) => detail(tx, tenantId, await getRow(tx, tenantId, flowId)));
    },

    /** Freezes the current draft as the next immutable version; `freeze` may complete the definition first (pins). */
    async publish(
      tenantId: string,
      flowId: string,
      freeze: (definition: FlowDefinition) => Promise<FlowDefinition> = async (d) => d,
    ): Promise<{ flowId: string; version: number }> {
      return changingDefault(tenantId, async (tx) => {
        const [row] = await tx.query<FlowRow>('SELECT * FROM flows WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, flowId]);
        if (!row) throw new AppError('flow_not_found', `No flow with id '${flowId}' in this workspace.`);
        if (row.draft_errors) throw invalid(row.draft_errors, 'The draft has errors, so it cannot be published');
        await checkFlowCalls(tx, tenantId, row.definition);
        const [next] = await tx.query<{ version: number }>(
          `INSERT INTO flow_versions (tenant_id, flow_id, version, source, definition)
           SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4 FROM flow_versions WHERE flow_id = $2
           RETURNING version`,
          [tenantId, flowId, row.source, JSON.stringify(await freeze(row.definition))],
        );
        return { flowId, version: next!.version };
      });
    },

    async setDefault(tenantId: string, flowId: string): Promise<FlowSummary> {
      return changingDefault(tenantId, async (tx) => {
        const row = await getRow(tx, tenantId, flowId);
        if (row.published_version === null) {
          throw new AppError('flow_not_published', `Publish flow '${row.name}' before making it the default.`);
        }
        await tx.query('UPDATE flows SET is_default = false WHERE tenant_id = $1 AND is_default', [tenantId]);
        await tx.query('UPDATE flows SET is_default = true WHERE tenant_id = $1 AND id = $2', [tenantId, flowId]);
        return toSummary({ ...row, is_default: true });
      });
    },

    /** The default flow's latest published version, which new conversations start on. */
    defaultVersion(tenantId: string): Promise<{ flowId: string; version: number } | null> {
      const cached = defaults.get(tenantId);
      if (cached && cached.until > clock.now()) return cached.value;
      const value = sql.withTenant(tenantId, async (tx) => {
        const [row] = await tx.query<{ id: string; version: number }>(
          `SELECT f.id, max(v.version) AS version FROM flows f JOIN flow_versions v ON v.flow_id = f.id
           WHERE f.tenant_id = $1 AND f.is_default GROUP BY f.id`,
          [tenantId],
        );
        return row ? { flowId: row.id, version: row.version } : null;
      });
      defaults.set(tenantId, { value, until: clock.now() + DEFAULT_VERSION_TTL_MS });
      value.catch(() => defaults.delete(tenantId));
      return value;
    },

    /** A published flow by name (a sub-flow call): `version`, or the latest when null. */
    async publishedByName(tenantId: string, name: string, version: number | null) {
      const found = await sql.withTenant(tenantId, (tx) => findPublished(tx, tenantId, name, version));
      if (!found) throw notPublished(name, version);
      return found;
    },

    async definitionOf(tenantId: string, flowId: string, version: number): Promise<FlowDefinition> {
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ definition: FlowDefinition }>(
          'SELECT definition FROM flow_versions WHERE tenant_id = $1 AND flow_id = $2 AND version = $3',
          [tenantId, flowId, version],
        ),
      );
      if (!row) throw new AppError('flow_not_found', `Flow '${flowId}' has no version ${version}.`);
      return row.definition;
    },
  };
}

export type FlowStore = ReturnType<typeof createFlowStore>;
