import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const LOG_LINES = 40;

/** An exit the test did not cause (it kills with SIGKILL on purpose and records those as expected). */
export interface UnexpectedExit {
  instance: string;
  code: number | null;
  signal: string | null;
  logTail: string;
}

export interface InstanceProcess {
  name: string;
  url: string;
  start(): Promise<void>;
  /** SIGKILL: no shutdown hook runs, in-memory work is lost, locks stay held until they expire. */
  kill9(): Promise<void>;
  /** Starts it again on the same port, as a supervisor would. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Running, and never exited without the test asking. */
  isAlive(): boolean;
  unexpectedExits: UnexpectedExit[];
  logTail(): string;
}

/** Only what the server needs from the test process's environment: vitest's own variables stay out. */
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]!]])));
}

/**
 * One server instance as its own process (`node --import tsx src/main.ts start`), on a port fixed
 * at creation so that a restarted instance is found at the same address, as behind a load balancer.
 */
export async function createInstance(name: string, env: Record<string, string>): Promise<InstanceProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log: string[] = [];
  const unexpectedExits: UnexpectedExit[] = [];
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let killing = false;
  const killOnExit = () => child?.kill('SIGKILL');

  const remember = (chunk: Buffer) => {
    log.push(...chunk.toString().split('\n').filter(Boolean));
    log.splice(0, Math.max(0, log.length - LOG_LINES));
  };
  const logTail = () => log.join('\n');

  async function start(): Promise<void> {
    killing = false;
    const started = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
      cwd: REPO,
      env: { ...baseEnv(), ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout?.on('data', remember);
    started.stderr?.on('data', remember);
    exited = new Promise((resolve) =>
      started.once('exit', (code, signal) => {
        if (!killing) unexpectedExits.push({ instance: name, code, signal, logTail: logTail() });
        resolve();
      }),
    );
    process.once('exit', killOnExit);
    await waitReady(started);
  }

  async function waitReady(started: ChildProcess): Promise<void> {
    for (let waited = 0; waited < 90_000; waited += 100) {
      if (started.exitCode !== null || started.signalCode !== null) throw new Error(`instance ${name} exited while starting:\n${logTail()}`);
      const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status === 200, () => false);
      if (ready) return;
      await sleep(100);
    }
    throw new Error(`instance ${name} was not ready within 90 s:\n${logTail()}`);
  }

  async function kill(signal: NodeJS.Signals): Promise<void> {
    process.removeListener('exit', killOnExit);
    killing = true;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  }

  return {
    name,
    url,
    start,
    kill9: () => kill('SIGKILL'),
    async restart() {
      await kill('SIGKILL');
      await start();
    },
    async stop() {
      // A clean stop first; one that hangs (a stuck shutdown) must not hang the test's cleanup.
      const stopped = kill('SIGTERM');
      const timedOut = await Promise.race([stopped.then(() => false), sleep(10_000).then(() => true)]);
      if (timedOut) await kill('SIGKILL');
    },
    isAlive: () => child !== null && child.exitCode === null && child.signalCode === null && unexpectedExits.length === 0,
    unexpectedExits,
    logTail,
  };
}
