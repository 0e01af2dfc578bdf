import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { intentClassifierFrom, trainIntentClassifier, type IntentClassifier, type IntentModel } from './intent-classifier.js';

/**
 * Trains offline intent classifiers off the event loop. A large flow takes seconds of CPU to
 * train; on the main thread that would stall every tenant's turns (and the renewals of their
 * conversation locks) for that long. So training runs in a worker thread and only the finished
 * model, a few typed arrays, comes back. Small flows train inline: they take milliseconds, less
 * than the hop to a worker.
 *
 * Piscina keeps the pool: a queue, a replacement for a worker that crashed, and an idle timeout
 * so a server that is not training holds no thread (an idle worker does not keep the process up).
 */

export interface IntentTrainer {
  train(examples: Record<string, string[]>): Promise<IntentClassifier>;
  close(): Promise<void>;
}

export interface IntentTrainerOptions {
  /** Flows with fewer examples than this train on the calling thread. */
  inlineBelow?: number;
}

/**
 * Measured (`npm run bench:nlu-thread`): the hop to a warm worker costs tens of ms, about what
 * 200–500 examples take to train; below this a flow trains inline, in at most a few tens of ms.
 */
export const INLINE_BELOW = 200;
/** A worker outlives its training this long, so that a burst of publishes starts it once. */
const IDLE_TIMEOUT_MS = 60_000;

const WORKER = new URL(`./training-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

// Run from TypeScript source (`npm start`, tests), the worker needs tsx's loader; a build runs the .js.
function workerExecArgv(): string[] {
  if (!WORKER.pathname.endsWith('.ts')) return [];
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
}

export function createIntentTrainer(options: IntentTrainerOptions = {}): IntentTrainer {
  const inlineBelow = options.inlineBelow ?? INLINE_BELOW;
  let pool: Piscina<Record<string, string[]>, IntentModel> | null = null;

  const threaded = (): Piscina<Record<string, string[]>, IntentModel> =>
    (pool ??= new Piscina({
      filename: WORKER.href,
      minThreads: 0,
      // One training at a time: a second core keeps serving, and two large trainings at once would
      // only each take twice as long.
      maxThreads: 1,
      idleTimeout: IDLE_TIMEOUT_MS,
      execArgv: workerExecArgv(),
    }));

  return {
    async train(examples) {
      let size = 0;
      for (const list of Object.values(examples)) size += list.length;
      if (size < inlineBelow) return trainIntentClassifier(examples);
      return intentClassifierFrom(await threaded().run(examples));
    },
    async close() {
      await pool?.destroy();
      pool = null;
    },
  };
}
