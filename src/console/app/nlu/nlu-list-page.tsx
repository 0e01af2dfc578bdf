import { api } from '../api/client';
import { AsyncView, Empty, formatTime, useAsync } from '../ui/async';
import { Link } from '../ui/router';
import { ImportForm } from './import-form';
import type { TrainingDataSummary } from './types';

/** The workspace's training data documents (each opens its review page), and imports. */
export function NluListPage({ permissions }: { permissions: string[] }) {
  const documents = useAsync(() => api.get<TrainingDataSummary[]>('/nlu/training-data'), []);
  return (
    <div>
      <header className="page-header">
        <h1>NLU training data</h1>
      </header>
      {permissions.includes('flows:write') ? <ImportForm onImported={documents.reload} /> : null}
      <AsyncView state={documents} what="training data">
        {(list) =>
          list.length === 0 ? (
            <Empty title="No training data yet">
              Create a document with <code>POST /v1/nlu/training-data</code> or import a Rasa <code>nlu.yml</code> or a Dialogflow export
              (<code>POST /v1/nlu/training-data/&lt;name&gt;/import</code>), then reference it from a flow: <code>nlu: {'{ trainingData: <name> }'}</code>.
            </Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Revision</th>
                  <th>Intents</th>
                  <th>Examples</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {list.map((d) => (
                  <tr key={d.name}>
                    <td>
                      <Link to={`/nlu/${encodeURIComponent(d.name)}`}>{d.name}</Link>
                    </td>
                    <td>{d.revision}</td>
                    <td>{d.intents}</td>
                    <td>{d.examples.toLocaleString()}</td>
                    <td>{formatTime(d.updatedAt)}</td>
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
