/** Latency figures from a list of durations in ms. */
export function summarise(durationsMs: number[], wallMs: number) {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    count: sorted.length,
    perSecond: (sorted.length / wallMs) * 1000,
    p50: at(0.5),
    p99: at(0.99),
  };
}

export function printRow(label: string, s: ReturnType<typeof summarise>): void {
  process.stdout.write(
    `${label.padEnd(48)} ${s.perSecond.toFixed(0).padStart(7)} msg/s   p50 ${s.p50.toFixed(2).padStart(7)} ms   p99 ${s.p99.toFixed(2).padStart(7)} ms   (${s.count} messages)\n`,
  );
}

/** The demo order-support conversation, repeated: track, give a number, cancel, give a number, bye. */
export const DEMO_SCRIPT = ['where is my order', '12345', 'I want to cancel', '987654', 'bye'];

/** Runs `conversations` concurrent conversations of `turns` messages each; returns per-message latencies. */
export async function runConversations(
  conversations: number,
  turns: number,
  send: (conversationId: string, text: string) => Promise<void>,
): Promise<{ durations: number[]; wallMs: number }> {
  const durations: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: conversations }, async (_, c) => {
      const id = `bench-${process.pid}-${Date.now()}-${c}`;
      for (let t = 0; t < turns; t += 1) {
        const t0 = performance.now();
        await send(id, DEMO_SCRIPT[t % DEMO_SCRIPT.length]!);
        durations.push(performance.now() - t0);
      }
    }),
  );
  return { durations, wallMs: performance.now() - started };
}
