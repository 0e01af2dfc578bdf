import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.js';
import type { TenantBatch } from './tenant-batches.js';

const GROUP = 'analytics';
const READ_COUNT = 50;
/** Short, so that `stop` never waits long for a blocked read to return. */
const BLOCK_MS = 250;
/** An entry delivered this long ago and never acknowledged belongs to a consumer presumed dead. */
const CLAIM_IDLE_MS = 30_000;
const CLAIM_EVERY_MS = 15_000;
/** A cap far above any healthy backlog: acknowledged entries are deleted at once. */
const MAX_LENGTH = 1_000_000;
/** How long `drain` waits for other instances to store entries they already took. */
const SETTLE_TIMEOUT_MS = 10_000;

type Entry = [id: string, fields: string[]];

/** XREADGROUP's reply: `[[stream, [[id, [field, value, …]], …]]]` or null. */
const entriesOf = (reply: unknown): Entry[] => (Array.isArray(reply) ? reply.flatMap((stream: [string, Entry[]]) => stream[1]) : []);

/** An entry's fields: `tenant`, `months` (comma-separated), then `turns` and / or `metrics` (JSON). */
function toFields(batch: TenantBatch): string[] {
  const fields = ['tenant', batch.tenantId, 'months', batch.months.join(',')];
  if (batch.turns !== undefined) fields.push('turns', batch.turns);
  if (batch.metrics !== undefined) fields.push('metrics', batch.metrics);
  return fields;
}

function fromFields(fields: string[]): TenantBatch | null {
  const batch: TenantBatch = { tenantId: '', months: [] };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [name, value] = [fields[i]!, fields[i + 1]!];
    if (name === 'tenant') batch.tenantId = value;
    else if (name === 'months') batch.months = value.split(',');
    else if (name === 'turns' || name === 'metrics') batch[name] = value;
    else return null;
  }
  return batch.tenantId ? batch : null;
}

export interface EventStream {
  publish(batches: readonly TenantBatch[]): Promise<void>;
  start(): Promise<void>;
  /**
   * Stores every entry this instance can read now; with `settle`, also waits until every instance
   * stored what this one published (entries another instance's read already took).
   */
  drain(options?: { settle?: boolean }): Promise<void>;
  /** Entries not yet acknowledged by any instance. */
  backlog(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Events between instances over a Redis stream: producers XADD batches, a consumer group (one
 * consumer per instance) reads them, stores them and only then acknowledges and deletes them. An
 * instance that dies holding entries leaves them pending; another claims them after a while. Delivery
 * is at least once; the store skips rows it already has, by id. An entry is one tenant's batch.
 */
export function createEventStream(deps: {
  redis: Redis;
  reader: Redis;
  key: string;
  consumer: string;
  handle: (batches: TenantBatch[]) => Promise<void>;
  logger: Logger;
}): EventStream {
  const { redis, reader, key, consumer, logger } = deps;
  let stopping = false;
  let loop: Promise<void> | null = null;
  let inHand: Promise<void> = Promise.resolve();
  let lastClaim = 0;
  let lastPublished: string | null = null;

  async function handleEntries(entries: Entry[]): Promise<void> {
    if (entries.length === 0) return;
    const batches: TenantBatch[] = [];
    for (const [id, fields] of entries) {
      const batch = fromFields(fields);
      if (batch) batches.push(batch);
      else logger.error({ entry: id }, 'analytics: unreadable stream entry skipped'); // an older format, or not ours
    }
    await deps.handle(batches);
    const ids = entries.map(([id]) => id);
    await redis.multi().xack(key, GROUP, ...ids).xdel(key, ...ids).exec();
  }

  /** Runs one read-and-store at a time, so `drain` can wait for whatever is in hand. */
  function inTurn(work: () => Promise<void>): Promise<void> {
    const next = inHand.catch(() => undefined).then(work);
    inHand = next;
    return next;
  }

  async function claimStale(): Promise<void> {
    lastClaim = Date.now();
    const reply = (await redis.xautoclaim(key, GROUP, consumer, CLAIM_IDLE_MS, '0-0', 'COUNT', READ_COUNT)) as [string, Entry[]];
    await handleEntries(reply[1].filter((entry) => Array.isArray(entry[1])));
  }

  async function run(): Promise<void> {
    while (!stopping) {
      try {
        if (Date.now() - lastClaim > CLAIM_EVERY_MS) await inTurn(claimStale);
        const reply = await reader.xreadgroup('GROUP', GROUP, consumer, 'COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', key, '>');
        await inTurn(() => handleEntries(entriesOf(reply)));
      } catch (error) {
        if (stopping) break;
        logger.warn({ err: error }, 'analytics: reading the event stream failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  return {
    async publish(batches) {
      if (batches.length === 0) return;
      const added = redis.multi();
      for (const batch of batches) added.xadd(key, 'MAXLEN', '~', MAX_LENGTH, '*', ...toFields(batch));
      const results = (await added.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0];
      lastPublished = results.at(-1)![1] as string;
    },
    async start() {
      await redis.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM').catch((error: Error) => {
        if (!error.message.includes('BUSYGROUP')) throw error; // another instance created it
      });
      loop ??= run();
    },
    async drain({ settle = true } = {}) {
      for (;;) {
        let read = 0;
        await inTurn(async () => {
          const entries = entriesOf(await redis.xreadgroup('GROUP', GROUP, consumer, 'COUNT', READ_COUNT, 'STREAMS', key, '>'));
          read = entries.length;
          await handleEntries(entries);
        });
        if (read === 0) break;
      }
      // Entries are deleted once stored, so none left up to our last one means all of ours are stored,
      // including those another instance's blocked read had already taken.
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      while (settle && lastPublished && (await redis.xrange(key, '-', lastPublished, 'COUNT', 1)).length > 0) {
        if (Date.now() > deadline) throw new Error('analytics: stream entries are still unstored; is every instance able to reach the database?');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    backlog: () => redis.xlen(key),
    async stop() {
      stopping = true;
      await loop;
    },
  };
}
