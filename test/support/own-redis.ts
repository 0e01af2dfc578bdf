import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';

export interface OwnRedis {
  url: string;
  start(): Promise<void>;
  /** Kills the server and starts an empty one on the same port: locks, caches, streams and consumer groups are gone. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export const redisAvailable = (): boolean => spawnSync('redis-server', ['--version']).status === 0;

/** Answers true once the server replies +PONG to a PING on a fresh connection. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1_000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** A Redis server of the test's own, without persistence, so that a restart loses everything, as a crash of a cache would. */
export async function createOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const killOnExit = () => child?.kill('SIGKILL');

  async function start(): Promise<void> {
    const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'], {
      stdio: 'ignore',
    });
    child = started;
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    process.once('exit', killOnExit);
    for (let waited = 0; waited < 30_000; waited += 50) {
      if (started.exitCode !== null) throw new Error(`redis-server on port ${port} exited with code ${started.exitCode}`);
      if (await pings(port)) return;
      await sleep(50);
    }
    throw new Error(`redis-server on port ${port} did not answer PING within 30 s`);
  }

  async function kill(): Promise<void> {
    process.removeListener('exit', killOnExit);
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    child = null;
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    async restart() {
      await kill();
      await start();
    },
    stop: kill,
  };
}
