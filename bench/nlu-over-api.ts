/**
 * bench:nlu's "over the API" rows: a data set scored as a user of the HTTP API would score it. The
 * training split goes into a training-data document (POST /v1/nlu/training-data: a flow holding
 * 10k examples inline is past the flow size limit), a flow references it and is published, and
 * every test utterance is sent to POST /v1/flows/{id}/nlu/parse. The engine runs embedded (PGlite
 * in a temporary directory), the default a newcomer gets, and is reached over loopback HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/shared/logger.js';

export type Split = [text: string, intent: string][];

export interface ApiScore {
  /** The top alternative is the expected intent, whatever its confidence. */
  argmax: number;
  /** `intent` is the expected one: answers under the flow's threshold are `fallback`, counted wrong. */
  withFallback: number;
  /** Out-of-scope utterances answered `fallback`. */
  oosRecall: number | null;
  /** Answers throttled (429) and sent again after Retry-After. */
  throttled: number;
  trainSeconds: number;
}

type Parse = { intent: { name: string }; alternatives: { name: string }[] };

// Parallel requests, as a scoring script would send them; the engine parses on one thread anyway.
const CONCURRENCY = 4;
// A bench sends thousands of parses a minute; the default per-key limit (1,200/min) would make it
// wait minutes between bursts. 429s are still honoured and counted.
const RATE_LIMIT = '1000000';

export interface ApiBench {
  score(name: string, train: Split, test: Split, oos: Split): Promise<ApiScore>;
  stop(): Promise<void>;
}

export async function startApiBench(): Promise<ApiBench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-bench-nlu-api-'));
  const loaded = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    MCP_DATA_DIR: dataDir,
    MCP_SEED_DEMO: 'false',
    MCP_RATE_LIMIT_PER_CREDENTIAL: RATE_LIMIT,
    MCP_RATE_LIMIT_PER_TENANT: RATE_LIMIT,
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const app: App = await createApp(loaded.config, { logger: silentLogger() });
  const { url } = await app.start();
  const tenant = await app.security.createTenant({ slug: 'nlu-bench', name: 'NLU bench' });
  const { secret } = await app.security.createApiKey(tenant.id, { name: 'bench' });
  let throttled = 0;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (;;) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (response.status === 429) {
        throttled++;
        await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)));
        continue;
      }
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
      return JSON.parse(text) as T;
    }
  }

  async function parseAll(flowId: string, texts: string[]): Promise<Parse[]> {
    const answers: Parse[] = new Array<Parse>(texts.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < texts.length) {
          const i = next++;
          answers[i] = await call<Parse>('POST', `/v1/flows/${flowId}/nlu/parse`, { text: texts[i] });
        }
      }),
    );
    return answers;
  }

  return {
    async score(name, train, test, oos) {
      throttled = 0;
      const intents: Record<string, string[]> = {};
      for (const [text, intent] of train) (intents[intent] ??= []).push(text);
      const documentName = name.toLowerCase();
      await call('POST', '/v1/nlu/training-data', { name: documentName, intents });
      const flow = { name: `${documentName}-bot`, start: 'ask', nlu: { trainingData: documentName }, states: { ask: { type: 'intent', transitions: [{ to: 'ask' }] } } };
      const { id } = await call<{ id: string }>('POST', '/v1/flows', flow);
      const started = performance.now();
      // Publishing trains the version's model (off the turn path).
      await call('POST', `/v1/flows/${id}/publish`);
      const trainSeconds = (performance.now() - started) / 1000;
      const inScope = await parseAll(id, test.map(([text]) => text));
      const outOfScope = await parseAll(id, oos.map(([text]) => text));
      const share = (n: number, of: number) => n / Math.max(1, of);
      return {
        argmax: share(inScope.filter((p, i) => p.alternatives[0]?.name === test[i]?.[1]).length, test.length),
        withFallback: share(inScope.filter((p, i) => p.intent.name === test[i]?.[1]).length, test.length),
        oosRecall: oos.length > 0 ? share(outOfScope.filter((p) => p.intent.name === 'fallback').length, oos.length) : null,
        throttled,
        trainSeconds,
      };
    },
    async stop() {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
