import { AppError } from '../../shared/app-error.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import type { TrainingDataDetail, TrainingDataSummary, TrainingDocument, TrainingEvaluation } from './training-data-contract.js';

interface HeadRow extends Record<string, unknown> {
  name: string;
  revision: number;
  document: TrainingDocument;
  updated_at: string;
}

interface EvaluationRow extends Record<string, unknown> {
  name: string;
  revision: number;
  train_examples: number;
  test_examples: number;
  correct: number;
  evaluated_at: string;
}

export const notFound = (name: string) =>
  new AppError('not_found', `No NLU training data named '${name}' in this workspace; create it with POST /v1/nlu/training-data or import one.`);

function summaryOf(name: string, revision: number, document: TrainingDocument, updatedAt: string): TrainingDataSummary {
  const examples = Object.values(document.intents).reduce((n, list) => n + list.length, 0);
  const counts = { intents: Object.keys(document.intents).length, examples, entities: Object.keys(document.entities).length };
  return { name, revision, description: document.description ?? null, ...counts, updatedAt };
}

const detailOf = (row: HeadRow): TrainingDataDetail => ({ ...summaryOf(row.name, row.revision, row.document, row.updated_at), document: row.document });

const evaluationOf = (row: EvaluationRow): TrainingEvaluation => ({
  name: row.name,
  revision: row.revision,
  trainExamples: row.train_examples,
  testExamples: row.test_examples,
  correct: row.correct,
  accuracy: row.test_examples > 0 ? row.correct / row.test_examples : null,
  evaluatedAt: row.evaluated_at,
});

/**
 * Tables `nlu_training_data` (one row per live name: its latest revision) and
 * `nlu_training_data_revisions` (every revision, immutable). A write is one transaction that adds
 * the next revision and moves the head, so readers see the old document or the new, never a mix.
 */
export function createTrainingDataStore(sql: Sql) {
  async function head(tx: SqlExecutor, tenantId: string, name: string, lock = false): Promise<HeadRow | undefined> {
    const [row] = await tx.query<HeadRow>(
      `SELECT h.name, h.revision, r.document, r.created_at AS updated_at
       FROM nlu_training_data h JOIN nlu_training_data_revisions r ON r.tenant_id = h.tenant_id AND r.name = h.name AND r.revision = h.revision
       WHERE h.tenant_id = $1 AND h.name = $2${lock ? ' FOR UPDATE OF h' : ''}`,
      [tenantId, name],
    );
    return row;
  }

  return {
    async list(tenantId: string): Promise<TrainingDataSummary[]> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<HeadRow>(
          `SELECT h.name, h.revision, r.document, r.created_at AS updated_at
           FROM nlu_training_data h JOIN nlu_training_data_revisions r ON r.tenant_id = h.tenant_id AND r.name = h.name AND r.revision = h.revision
           WHERE h.tenant_id = $1 ORDER BY h.name`,
          [tenantId],
        ),
      );
      return rows.map((row) => summaryOf(row.name, row.revision, row.document, row.updated_at));
    },

    async get(tenantId: string, name: string, revision?: number): Promise<TrainingDataDetail | null> {
      if (revision === undefined) {
        const row = await sql.withTenant(tenantId, (tx) => head(tx, tenantId, name));
        return row ? detailOf(row) : null;
      }
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<HeadRow>(
          'SELECT name, revision, document, created_at AS updated_at FROM nlu_training_data_revisions WHERE tenant_id = $1 AND name = $2 AND revision = $3',
          [tenantId, name, revision],
        ),
      );
      return row ? detailOf(row) : null;
    },

    async latestRevision(tenantId: string, name: string): Promise<number | null> {
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ revision: number }>('SELECT revision FROM nlu_training_data WHERE tenant_id = $1 AND name = $2', [tenantId, name]),
      );
      return row?.revision ?? null;
    },

    /**
     * Writes the next revision. `change` sees the current document (null when the name is free) and
     * returns the new one; it runs under the head's row lock, so concurrent writers queue up.
     */
    async write(
      tenantId: string,
      name: string,
      change: (current: TrainingDataDetail | null) => TrainingDocument,
    ): Promise<TrainingDataDetail> {
      return sql.withTenant(tenantId, async (tx) => {
        const current = await head(tx, tenantId, name, true);
        const document = change(current ? detailOf(current) : null);
        // Numbers continue after a delete: published flows may still pin the old revisions.
        const [next] = await tx.query<{ revision: number; created_at: string }>(
          `INSERT INTO nlu_training_data_revisions (tenant_id, name, revision, document)
           SELECT $1, $2, coalesce(max(revision), 0) + 1, $3 FROM nlu_training_data_revisions WHERE tenant_id = $1 AND name = $2
           RETURNING revision, created_at`,
          [tenantId, name, JSON.stringify(document)],
        );
        await tx.query(
          `INSERT INTO nlu_training_data (tenant_id, name, revision) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id, name) DO UPDATE SET revision = EXCLUDED.revision`,
          [tenantId, name, next!.revision],
        );
        return detailOf({ name, revision: next!.revision, document, updated_at: next!.created_at });
      });
    },

    async delete(tenantId: string, name: string): Promise<boolean> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query('DELETE FROM nlu_training_data WHERE tenant_id = $1 AND name = $2 RETURNING 1', [tenantId, name]),
      );
      return rows.length > 0;
    },

    async saveEvaluation(tenantId: string, evaluation: Omit<TrainingEvaluation, 'accuracy' | 'evaluatedAt'>): Promise<TrainingEvaluation> {
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<EvaluationRow>(
          `INSERT INTO nlu_training_evaluations (tenant_id, name, revision, train_examples, test_examples, correct) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (tenant_id, name, revision) DO UPDATE SET train_examples = EXCLUDED.train_examples, test_examples = EXCLUDED.test_examples,
             correct = EXCLUDED.correct, evaluated_at = now()
           RETURNING name, revision, train_examples, test_examples, correct, evaluated_at`,
          [tenantId, evaluation.name, evaluation.revision, evaluation.trainExamples, evaluation.testExamples, evaluation.correct],
        ),
      );
      return evaluationOf(row!);
    },

    /** Newest revision first. */
    async evaluations(tenantId: string, name: string, limit = 20): Promise<TrainingEvaluation[]> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<EvaluationRow>(
          `SELECT name, revision, train_examples, test_examples, correct, evaluated_at FROM nlu_training_evaluations
           WHERE tenant_id = $1 AND name = $2 ORDER BY revision DESC LIMIT $3`,
          [tenantId, name, limit],
        ),
      );
      return rows.map(evaluationOf);
    },
  };
}

export type TrainingDataStore = ReturnType<typeof createTrainingDataStore>;
