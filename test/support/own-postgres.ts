import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const ROOT = '/usr/lib/postgresql';

/** The bin directory of the newest PostgreSQL installed from the distribution's packages, if any. */
export function postgresBinDir(): string | null {
  if (!existsSync(ROOT)) return null;
  const versions = readdirSync(ROOT)
    .filter((v) => existsSync(join(ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(ROOT, versions[0], 'bin') : null;
}

export interface OwnPostgres {
  url: string;
  port: number;
  start(): Promise<void>;
  /** `pg_ctl restart -m immediate`: the server dies without a checkpoint and recovers from its WAL, as after a crash. */
  restartImmediate(): Promise<void>;
  /** Stops the server and removes its directory; safe to call twice, and after a failed start. */
  stop(): Promise<void>;
}

/**
 * A PostgreSQL cluster of the test's own, in a temporary directory on a free port, so the test can
 * crash and restart it without touching the server other tests share. PostgreSQL refuses to run as
 * root, so under root the cluster belongs to the `postgres` user and its tools run through `runuser`.
 */
export async function createOwnPostgres(): Promise<OwnPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(`no PostgreSQL binaries under ${ROOT}`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mcp-durability-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const asPostgres = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { timeout: 120_000 }) : run(join(bin, tool), args, { timeout: 120_000 });
  // fsync=off: the machine does not crash, only PostgreSQL does, and the OS keeps what was written. Commits stay
  // synchronous, so what PostgreSQL acknowledged is in the WAL that crash recovery replays.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
  const pgCtl = (...args: string[]) => asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', ...args]);
  let removed = false;

  /** On an abrupt exit of the test process the async stop never runs; the postmaster must not outlive it. */
  const killOnExit = () => {
    try {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGQUIT');
    } catch {
      // Not running: nothing to stop.
    }
    rmSync(dir, { recursive: true, force: true });
  };

  if (asRoot) await run('chown', ['postgres:postgres', dir]);
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      process.once('exit', killOnExit);
      await pgCtl('-o', options, 'start');
    },
    async restartImmediate() {
      await pgCtl('-m', 'immediate', 'restart');
    },
    async stop() {
      if (removed) return;
      removed = true;
      process.removeListener('exit', killOnExit);
      await pgCtl('-m', 'immediate', 'stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

