import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import { ErrorBanner } from '../ui/async';
import type { AnswerView } from './types';

const METHOD: Record<AnswerView['method'], string> = { model: 'model answer', passage: 'best passage (no model)', none: 'nothing relevant' };

/** "What does this question retrieve?": the answer an `answer` state would give, and the chunks behind it. */
export function AskPanel() {
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState<AnswerView | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function ask() {
    setError(null);
    try {
      setAnswer(await api.post<AnswerView>('/knowledge/answer', { question }));
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <section className="card">
      <h2>Try a question</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void ask();
        }}
      >
        <input aria-label="Question" value={question} onChange={(e) => setQuestion(e.target.value)} placeholder="How long do refunds take?" />{' '}
        <button type="submit" disabled={!question.trim()}>
          Ask
        </button>
      </form>
      {error ? <ErrorBanner error={error} /> : null}
      {answer ? (
        <div aria-label="Answer">
          <p>
            <span className="badge">{METHOD[answer.method]}</span> {answer.text}
          </p>
          {answer.citations.length > 0 ? <p className="small">Cited: {answer.citations.map((c) => `${c.sourceName} (chunk ${c.chunk + 1})`).join('; ')}</p> : null}
          <table className="table">
            <thead>
              <tr><th>#</th><th>Source</th><th>Chunk</th><th>BM25 rank</th><th>Vector rank</th><th>Terms found</th><th>Text</th></tr>
            </thead>
            <tbody>
              {answer.hits.map((h, i) => (
                <tr key={`${h.citation.sourceId}:${h.citation.chunk}`}>
                  <td>{i + 1}</td>
                  <td>{h.citation.sourceName}</td>
                  <td>{h.citation.chunk + 1}</td>
                  <td>{h.bm25?.rank ?? '–'}</td>
                  <td>{h.vector?.rank ?? '–'}</td>
                  <td>{Math.round(h.coverage * 100)}%</td>
                  <td className="small">{h.text.length > 240 ? `${h.text.slice(0, 240)}…` : h.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
