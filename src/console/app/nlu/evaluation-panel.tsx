import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import { ErrorBanner } from '../ui/async';
import type { TrainingEvaluation } from './types';

const pct = (e: TrainingEvaluation | null | undefined) => (e?.accuracy === null || e?.accuracy === undefined ? '—' : `${(e.accuracy * 100).toFixed(1)}%`);

/**
 * Held-back accuracy of the latest revision next to the evaluation before it, and the button that
 * retrains on the training split and scores the held-back one (every fifth example, by hash).
 */
export function EvaluationPanel(props: { name: string; revision: number; evaluations: TrainingEvaluation[]; canWrite: boolean; onEvaluated: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [after, before] = props.evaluations;
  const current = after?.revision === props.revision;

  async function evaluate() {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/nlu/training-data/${encodeURIComponent(props.name)}/evaluate`);
      props.onEvaluated();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-label="Held-back accuracy">
      <div className="toolbar">
        <h2>Held-back accuracy</h2>
        {props.canWrite ? (
          <button type="button" className="primary" disabled={busy} onClick={() => void evaluate()}>
            {busy ? 'Training…' : 'Retrain and evaluate'}
          </button>
        ) : null}
      </div>
      {after ? (
        <p data-testid="accuracy">
          {before ? (
            <>
              Before: <strong data-testid="accuracy-before">{pct(before)}</strong> (revision {before.revision}) → after:{' '}
            </>
          ) : null}
          <strong data-testid="accuracy-after">{pct(after)}</strong> (revision {after.revision}, {after.correct} of {after.testExamples} held-back examples right, trained on{' '}
          {after.trainExamples})
        </p>
      ) : (
        <p className="muted">Not evaluated yet.</p>
      )}
      {after && !current ? <p className="notice">Revision {props.revision} has changes since the last evaluation: retrain to see their effect.</p> : null}
      <p className="muted small">Published flows keep the revision they were published with; publish them again to put a new revision live.</p>
      {error ? <ErrorBanner error={error} /> : null}
    </section>
  );
}
