import { CallError } from '../call-error.js';

/**
 * At most `limit` integration calls in flight per tenant on this instance, so one tenant's slow
 * system cannot take every socket and event-loop slot from the others. A call waits in FIFO order
 * for a slot until its own deadline (`signal`), then fails as `integration_busy`.
 */
export function createTenantLimiter(limit: number) {
  const tenants = new Map<string, { active: number; waiting: (() => void)[] }>();

  function release(tenantId: string): void {
    const entry = tenants.get(tenantId);
    if (!entry) return;
    const next = entry.waiting.shift();
    if (next) return next();
    entry.active -= 1;
    if (entry.active === 0) tenants.delete(tenantId);
  }

  async function acquire(tenantId: string, signal: AbortSignal): Promise<() => void> {
    let entry = tenants.get(tenantId);
    if (!entry) tenants.set(tenantId, (entry = { active: 0, waiting: [] }));
    let released = false;
    const handle = () => {
      if (released) return;
      released = true;
      release(tenantId);
    };
    if (entry.active < limit) {
      entry.active += 1;
      return handle;
    }
    const queue = entry.waiting;
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        queue.splice(queue.indexOf(grant), 1);
        reject(new CallError('integration_busy', `This workspace already has ${limit} integration calls in flight; the call timed out waiting for a slot.`));
      };
      if (signal.aborted) return onAbort();
      queue.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return handle;
  }

  return { acquire };
}
