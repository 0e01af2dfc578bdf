import { AppError } from '../../shared/app-error.js';

/**
 * Load shedding for turns answered while the caller waits (API and web chat): past `maxInFlight`
 * at once, a message is refused at once with 503 and Retry-After instead of joining a queue that
 * only grows. An instance that queued without bound spent its CPU on collecting the garbage of
 * requests nobody would wait for, and answered fewer messages the more it was sent. Webhooks are
 * not shed: they are stored first and turned into turns at the workers' pace. 0 turns it off.
 */
export function createAdmission(maxInFlight: number) {
  let inFlight = 0;
  return {
    async run<T>(turn: () => Promise<T>): Promise<T> {
      if (maxInFlight > 0 && inFlight >= maxInFlight) {
        throw new AppError('unavailable', `This server is already answering ${maxInFlight} messages; send this one again in a moment.`, {
          details: { retryAfterSeconds: 1 },
        });
      }
      inFlight += 1;
      try {
        return await turn();
      } finally {
        inFlight -= 1;
      }
    },
  };
}
