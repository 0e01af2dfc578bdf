/**
 * Delay before reconnect attempt `attempt` (0-based): exponential up to `maxMs`, with "equal
 * jitter" (half fixed, half random) so that every page does not reconnect in the same instant
 * after a server restart, yet none retries immediately.
 */
export function reconnectDelay(attempt: number, random: number, baseMs = 500, maxMs = 30_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}
