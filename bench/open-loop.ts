import { Pool } from 'undici';
import { DEMO_SCRIPT } from './stats.js';

export interface OpenLoopOptions {
  /** Sends one message and resolves when it is answered; rejects with what went wrong. */
  send: (conversationId: string, text: string) => Promise<void>;
  /** Messages per second, sent on schedule whether or not earlier ones were answered. */
  rate: number;
  seconds: number;
  conversations: number;
  /** Distinguishes this run's conversations from earlier runs' on the same server. */
  runId: string;
}

export interface OpenLoopResult {
  rate: number;
  sent: number;
  ok: number;
  failed: number;
  /** Answered messages per second over the run. */
  throughput: number;
  p50: number;
  p99: number;
  max: number;
  /** The first failure, to show what went wrong. */
  firstError: string | null;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/**
 * An open-loop load generator: message i is due at start + i/rate and is sent then, answered or
 * not, and its latency counts from when it was due, so a server that falls behind shows it in its
 * latency (a closed loop would wait for it and hide the queue). Conversations take turns: message
 * i goes to conversation i mod N with the demo script's next line for it.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  let pending = 0;
  let next = 0;
  const started = performance.now();
  let finished = started;

  function send(i: number, due: number): void {
    const text = DEMO_SCRIPT[Math.floor(i / options.conversations) % DEMO_SCRIPT.length]!;
    pending += 1;
    options.send(`${options.runId}-${i % options.conversations}`, text).then(
      () => {
        pending -= 1;
        finished = performance.now();
        latencies.push(finished - due);
      },
      (error: unknown) => {
        pending -= 1;
        finished = performance.now();
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      },
    );
  }

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && started + next * interval <= now) {
        send(next, started + next * interval);
        next += 1;
      }
      if (next < total) setTimeout(tick, Math.max(0, started + next * interval - performance.now()));
      else {
        const drain = () => (pending === 0 ? resolve() : setTimeout(drain, 5));
        drain();
      }
    };
    tick();
  });
  const sorted = latencies.sort((a, b) => a - b);
  return {
    rate: options.rate,
    sent: total,
    ok: sorted.length,
    failed,
    throughput: (sorted.length / (finished - started)) * 1000,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
    firstError,
  };
}

/**
 * Sends messages over HTTP to `urls` in turn (as a load balancer would), on kept-alive connections.
 * undici rather than node:http: the load generator shares the machine with what it measures, and
 * it spends ~15% less CPU a message.
 */
export function httpMessageSender(urls: string[], apiKey: string): { send: OpenLoopOptions['send']; close: () => void } {
  const pools = urls.map((url) => new Pool(url, { connections: 512 }));
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  let turn = 0;
  const send = async (conversationId: string, text: string) => {
    const pool = pools[turn++ % pools.length]!;
    const response = await pool.request({ path: `/v1/conversations/${conversationId}/messages`, method: 'POST', headers, body: JSON.stringify({ text }) });
    const body = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${body.slice(0, 200)}`);
  };
  return { send, close: () => void Promise.all(pools.map((pool) => pool.destroy())) };
}

export function formatOpenLoop(label: string, r: OpenLoopResult): string {
  const failures = r.failed > 0 ? `   ${r.failed} failed (${r.firstError})` : '';
  return `${label.padEnd(48)} ${String(r.rate).padStart(6)} msg/s offered ${r.throughput.toFixed(0).padStart(6)} answered   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms${failures}`;
}
