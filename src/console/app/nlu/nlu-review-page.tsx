import { api } from '../api/client';
import { AsyncView, ErrorBanner, useAsync } from '../ui/async';
import { Link } from '../ui/router';
import { EvaluationPanel } from './evaluation-panel';
import { ReviewTable } from './review-table';
import type { ReviewItem, TrainingDataDetail, TrainingEvaluation } from './types';

/** The review loop of one document: unsure messages from conversations, one-click examples, retrain, accuracy before and after. */
export function NluReviewPage({ name, permissions }: { name: string; permissions: string[] }) {
  const path = `/nlu/training-data/${encodeURIComponent(name)}`;
  const canWrite = permissions.includes('flows:write');
  const canReview = permissions.includes('conversations:read');
  const document = useAsync(() => api.get<TrainingDataDetail>(path), [path]);
  const evaluations = useAsync(() => api.get<TrainingEvaluation[]>(`${path}/evaluations`), [path]);
  const review = useAsync(() => (canReview ? api.get<ReviewItem[]>(`${path}/review`) : Promise.resolve([])), [path, canReview]);

  const refresh = () => {
    document.reload();
    review.reload();
  };

  return (
    <div>
      <header className="page-header">
        <h1>
          <Link to="/nlu">NLU training data</Link> / {name}
        </h1>
      </header>
      <AsyncView state={document} what="the training data">
        {(doc) => (
          <>
            <p className="muted">
              Revision {doc.revision} · {doc.intents} intents · {doc.examples.toLocaleString()} examples · {doc.entities} entities
            </p>
            <AsyncView state={evaluations} what="evaluations">
              {(list) => <EvaluationPanel name={name} revision={doc.revision} evaluations={list} canWrite={canWrite} onEvaluated={evaluations.reload} />}
            </AsyncView>
            {canReview ? (
              <AsyncView state={review} what="messages to review">
                {(items) => <ReviewTable document={doc} items={items} canWrite={canWrite} onAdded={refresh} />}
              </AsyncView>
            ) : (
              <ErrorBanner error="Reviewing messages needs the conversations:read permission." />
            )}
          </>
        )}
      </AsyncView>
    </div>
  );
}
