import { useState } from 'react';
import { api } from '../api/client';
import type { FlowSummary } from '../api/types';
import { AsyncView, Empty, formatTime, useAsync } from '../ui/async';
import { Link, navigate } from '../ui/router';
import { NewFlowDialog } from './new-flow-dialog';

export function FlowListPage({ permissions }: { permissions: string[] }) {
  const flows = useAsync(() => api.get<{ flows: FlowSummary[] }>('/flows').then((r) => r.flows), []);
  const [creating, setCreating] = useState(false);
  const existing = flows.status === 'ready' ? flows.data.map((f) => f.name) : [];

  return (
    <div>
      <header className="page-header">
        <h1>Flows</h1>
        {permissions.includes('flows:write') ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New flow
          </button>
        ) : null}
      </header>
      <NewFlowDialog open={creating} existing={existing} onClose={() => setCreating(false)} onCreated={(flow) => navigate(`/flows/${encodeURIComponent(flow.id)}`)} />
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
