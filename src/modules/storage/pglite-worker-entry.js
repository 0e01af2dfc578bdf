// A worker thread's entry: loads the PGlite worker module, through tsx when it is TypeScript
// (workers do not inherit the main thread's loader hooks).
import { workerData } from 'node:worker_threads';

const url = workerData.module;
if (url.endsWith('.ts')) {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport(url, import.meta.url);
} else {
  await import(url);
}
