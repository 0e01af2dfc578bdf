import { useState } from 'react';
import { api, errorMessage, seg } from '../api/client';
import { AsyncView, Empty, ErrorBanner, formatTime, useAsync } from '../ui/async';
import { AddSourceForm } from './add-source-form';
import { AskPanel } from './ask-panel';
import type { KnowledgeSource } from './types';

/** The workspace's knowledge base: its sources, re-indexing, and what a question retrieves. */
export function KnowledgePage({ permissions }: { permissions: string[] }) {
  const sources = useAsync(() => api.get<{ sources: KnowledgeSource[] }>('/knowledge/sources').then((r) => r.sources), []);
  const [error, setError] = useState<string | null>(null);
  const canWrite = permissions.includes('knowledge:write');

  async function act(run: () => Promise<unknown>) {
    setError(null);
    try {
      await run();
      sources.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <div>
      <header className="page-header">
        <h1>Knowledge base</h1>
      </header>
      {canWrite ? <AddSourceForm onAdded={() => sources.reload()} /> : null}
      {error ? <ErrorBanner error={error} /> : null}
      <AsyncView state={sources} what="knowledge sources">
        {(list) =>
          list.length === 0 ? (
            <Empty title="No documents yet">
              Upload Markdown, text, HTML or PDF, or add a page URL; then answer from it with an <code>answer</code> state, or give an <code>agent</code> the{' '}
              <code>knowledge</code> tool.
            </Empty>
          ) : (
            <table className="table">
              <thead>
                <tr><th>Name</th><th>Kind</th><th>Chunks</th><th>Search</th><th>Indexed</th><th /></tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.id}>
                    <td>{s.url ? <a href={s.url} rel="noreferrer" target="_blank">{s.name}</a> : s.name}</td>
                    <td>{s.kind}</td>
                    <td>{s.chunkCount}</td>
                    <td className="small">{s.embeddingModel ? `BM25 + ${s.embeddingModel}` : 'BM25'}</td>
                    <td>{s.status === 'failed' ? <span className="badge bad" title={s.error ?? ''}>failed</span> : formatTime(s.indexedAt)}</td>
                    <td>
                      {canWrite ? (
                        <>
                          <button type="button" onClick={() => void act(() => api.post(`/knowledge/sources/${seg(s.id)}/reindex`))}>Re-index</button>{' '}
                          <button
                            type="button"
                            onClick={() => confirm(`Delete “${s.name}” and its chunks?`) && void act(() => api.del(`/knowledge/sources/${seg(s.id)}`))}
                          >
                            Delete
                          </button>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
      {canWrite ? <AskPanel /> : null}
    </div>
  );
}
