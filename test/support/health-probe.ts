import { Worker } from 'node:worker_threads';

export interface ProbeReport {
  /** When each 200 answer arrived (Date.now(), comparable across threads). */
  answeredAt: number[];
  /** Probes that failed: a timeout, a refused connection or a status other than 200. */
  failures: string[];
}

export interface HealthProbe {
  /** Settles once the first probe was answered, so that probing is under way before an attack. */
  ready: Promise<void>;
  stop(): Promise<ProbeReport>;
}

// Plain JavaScript, since a worker evaluates its source as is.
const PROBE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const report = { answeredAt: [], failures: [] };
let running = true;
parentPort.once('message', () => { running = false; });
(async () => {
  while (running) {
    try {
      const response = await fetch(workerData.url + '/healthz', { signal: AbortSignal.timeout(workerData.timeoutMs) });
      await response.text();
      if (response.status === 200) {
        if (report.answeredAt.length === 0) parentPort.postMessage('ready');
        report.answeredAt.push(Date.now());
      } else report.failures.push('status ' + response.status);
    } catch (error) {
      report.failures.push(String(error && error.message));
    }
  }
  parentPort.postMessage(report);
  parentPort.close();
})();
`;

/**
 * Asks `GET /healthz` again and again from another thread, giving each request `timeoutMs` to be
 * answered. The app under test shares this thread's event loop, so only another thread can notice
 * that the loop stopped answering, as a load balancer's health check would.
 */
export function startHealthProbe(url: string, timeoutMs = 1_000): HealthProbe {
  const worker = new Worker(PROBE_SOURCE, { eval: true, workerData: { url, timeoutMs } });
  let markReady = (): void => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const done = new Promise<ProbeReport>((resolve, reject) => {
    worker.on('message', (message: 'ready' | ProbeReport) => (message === 'ready' ? markReady() : resolve(message)));
    worker.once('error', reject);
  });
  return {
    ready,
    async stop() {
      worker.postMessage('stop');
      const report = await done;
      await worker.terminate();
      return report;
    },
  };
}
