/**
 * List prices in USD per million tokens (input, output), from the providers' public price pages.
 * A dated or suffixed id (`gpt-4o-2024-08-06`, `claude-3-5-haiku-latest`) takes the price of its
 * longest listed prefix. Self-hosted and unknown models are unpriced: cost 0, `priced: false`.
 */
const PRICES: Record<string, readonly [number, number]> = {
  'gpt-5': [1.25, 10],
  'gpt-5-mini': [0.25, 2],
  'gpt-5-nano': [0.05, 0.4],
  'gpt-4.1': [2, 8],
  'gpt-4.1-mini': [0.4, 1.6],
  'gpt-4.1-nano': [0.1, 0.4],
  'gpt-4o': [2.5, 10],
  'gpt-4o-mini': [0.15, 0.6],
  'gpt-4-turbo': [10, 30],
  'gpt-3.5-turbo': [0.5, 1.5],
  'o3': [2, 8],
  'o3-mini': [1.1, 4.4],
  'o4-mini': [1.1, 4.4],
  'claude-opus-4-5': [5, 25],
  'claude-opus-4-1': [15, 75],
  'claude-opus-4': [15, 75],
  'claude-sonnet-4-5': [3, 15],
  'claude-sonnet-4': [3, 15],
  'claude-haiku-4-5': [1, 5],
  'claude-3-7-sonnet': [3, 15],
  'claude-3-5-sonnet': [3, 15],
  'claude-3-5-haiku': [0.8, 4],
  'claude-3-opus': [15, 75],
  'claude-3-haiku': [0.25, 1.25],
};

function priceOf(model: string): readonly [number, number] | undefined {
  // Azure-style and router ids may carry a vendor prefix: `openai/gpt-4o`.
  const id = model.toLowerCase().split('/').pop() ?? '';
  let best: string | undefined;
  for (const key of Object.keys(PRICES)) {
    const matches = id === key || id.startsWith(`${key}-`);
    if (matches && (!best || key.length > best.length)) best = key;
  }
  return best ? PRICES[best] : undefined;
}

export function costOf(model: string, tokensIn: number, tokensOut: number): { costUsd: number; priced: boolean } {
  const price = priceOf(model);
  if (!price) return { costUsd: 0, priced: false };
  const cost = (tokensIn * price[0] + tokensOut * price[1]) / 1_000_000;
  // Rounded to a millionth of a cent, so that sums of many calls stay readable.
  return { costUsd: Math.round(cost * 1e8) / 1e8, priced: true };
}
