import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, TEST_MASTER_KEY, TEST_REDIS_URL, uniqueSuffix } from '../support/env.js';
import { freePort } from '../support/free-port.js';
import { deletePrefix } from '../support/redis-keys.js';
import { REPO, runtimeStage } from './dockerfile.js';

/**
 * The image's own start command (its CMD and ENV, read from the Dockerfile) against PostgreSQL and
 * Redis, as a container would run it with a read-only filesystem: TMPDIR and the data directory point
 * where nothing can be created. Then its HEALTHCHECK, then SIGTERM with a request in flight.
 */
const stage = runtimeStage();
const prefix = `mcp-test-image-${uniqueSuffix()}:`;
const adminKey = randomBytes(24).toString('hex');
let port = 0;
let child: ChildProcess;
let output = '';
let exited: Promise<number | null>;

beforeAll(async () => {
  port = await freePort();
  const [command, ...args] = stage.cmd;
  child = spawn(command === 'node' ? process.execPath : command!, args, {
    cwd: REPO,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...stage.env,
      // Nothing may be written: a directory under a file can't be created, not even by root.
      TMPDIR: '/dev/null/tmp',
      MCP_DATA_DIR: '/dev/null/data',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      MCP_MASTER_KEY: TEST_MASTER_KEY,
      MCP_PLATFORM_ADMIN_KEY: adminKey,
      MCP_SEED_DEMO: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  for (let waited = 0; ; waited += 200) {
    if (child.exitCode !== null) throw new Error(`the start command exited with ${child.exitCode}:\n${output}`);
    if (waited > 90_000) throw new Error(`not ready within 90 s:\n${output}`);
    const status = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await sleep(200);
  }
}, 120_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  const redis = new Redis(TEST_REDIS_URL);
  await deletePrefix(redis, prefix).finally(() => redis.disconnect());
});

/** A POST whose body is sent in two parts; resolves `accepted` once the server has read its headers. */
function slowPost(path: string, body: string) {
  let accepted!: () => void;
  const headersRead = new Promise<void>((resolve) => (accepted = resolve));
  const req = request({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.once('error', reject);
  });
  req.once('continue', () => accepted());
  const half = Math.floor(body.length / 2);
  req.flushHeaders();
  return { headersRead, response, sendFirstHalf: () => req.write(body.slice(0, half)), finish: () => req.end(body.slice(half)) };
}

describe('the image start command', () => {
  it('serves /readyz and passes the image HEALTHCHECK', () => {
    const [command, ...args] = stage.healthcheck;
    const check = spawnSync(command === 'node' ? process.execPath : command!, args, { env: { PATH: process.env.PATH, PORT: String(port) }, timeout: 20_000 });
    expect(check.status, check.stderr?.toString()).toBe(0);
  });

  it('drains on SIGTERM: a request in flight completes, new connections are refused, the process exits 0', async () => {
    const slug = `drain-${uniqueSuffix()}`;
    const post = slowPost('/v1/tenants', JSON.stringify({ slug, name: 'Drained while stopping' }));
    await post.headersRead;
    post.sendFirstHalf();
    child.kill('SIGTERM');
    // Shutdown has begun once a new connection is turned away; only then does the body finish.
    for (let i = 0; i < 300; i += 1) {
      const status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
      if (status !== 200) break;
      await sleep(100);
    }
    post.finish();
    const answer = await post.response;
    expect(answer.status, answer.body).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ tenant: { slug } });
    expect(await exited, output).toBe(0);
    expect(output).toContain('shutting down');
  });
});
