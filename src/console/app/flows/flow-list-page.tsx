import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { FlowDetail, FlowSummary } from '../api/types';
import { AsyncView, Empty, ErrorBanner, formatTime, useAsync } from '../ui/async';
import { Link, navigate } from '../ui/router';

const starter = (name: string) => `name: ${name}
start: welcome
nlu:
  intents:
    greet: ["hello", "hi there", "good morning"]
states:
  welcome:
    type: response
    say: "Hello! How can I help?"
    next: ask
  ask:
    type: intent
    transitions:
      - when: intent == "greet"
        to: done
    fallback: { say: "Sorry, I did not get that.", max: 2, then: done }
  done: { type: end, say: "Bye!", goal: true }
`;

export function FlowListPage() {
  const flows = useAsync(() => api.get<{ flows: FlowSummary[] }>('/flows').then((r) => r.flows), []);
  const [error, setError] = useState<string | null>(null);

  async function create() {
    const name = prompt('Name of the new flow (letters, digits, dashes)', 'new-flow');
    if (!name) return;
    try {
      const flow = await api.post<FlowDetail>('/flows', starter(name.trim()));
      navigate(`/flows/${encodeURIComponent(flow.id)}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <div>
      <header className="page-header">
        <h1>Flows</h1>
        <button type="button" className="primary" onClick={() => void create()}>
          New flow
        </button>
      </header>
      {error ? <ErrorBanner error={error} /> : null}
      <AsyncView state={flows} what="flows">
        {(list) =>
          list.length === 0 ? (
            <Empty title="No flows yet">Create one to describe how your bot converses.</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Published</th>
                  <th>Default</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {list.map((f) => (
                  <tr key={f.id}>
                    <td>
                      <Link to={`/flows/${encodeURIComponent(f.id)}`}>{f.name}</Link>
                    </td>
                    <td>{f.publishedVersion ? `v${f.publishedVersion}` : <span className="muted">draft only</span>}</td>
                    <td>{f.isDefault ? <span className="badge ok">default</span> : null}</td>
                    <td>{formatTime(f.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
    </div>
  );
}
