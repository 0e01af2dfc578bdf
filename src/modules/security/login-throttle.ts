import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Kv } from '../storage/contract.js';

/** Failures an account may have in a row before it is locked; then each one locks it again, twice as long. */
const FREE_FAILURES = 5;
const FIRST_LOCK_MS = 30_000;
const MAX_LOCK_MS = 3600_000;
/** Failures in a row are forgotten after a quiet day. */
const FAILURE_MEMORY_MS = 24 * 3600_000;
/**
 * Failures per workspace and window, whoever's account: password spraying tries a few passwords on
 * many accounts, which stays under every per-account lock.
 */
export const WORKSPACE_FAILURES_PER_WINDOW = 30;
const WORKSPACE_WINDOW_MS = 5 * 60_000;

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Login throttling per account (workspace + e-mail) with exponential lockout, and per workspace, in
 * the key-value store (Redis in server mode, so every instance counts together). It is kept apart
 * from the per-address request limits, so a locked account never blocks an address's web chat, and
 * it counts e-mails that do not exist like those that do, so a lock reveals nobody's membership.
 */
export function createLoginThrottle(deps: { kv: Kv; clock: Clock }) {
  const { kv, clock } = deps;
  const account = (workspace: string, email: string) => `login:account:${workspace}:${email.toLowerCase()}`;
  const workspaceWindow = () => Math.floor(clock.now() / WORKSPACE_WINDOW_MS);
  const workspaceKey = (workspace: string, window: number) => `login:workspace:${workspace}:${window}`;

  return {
    /** Throws rate_limited (429 with Retry-After) while the account or the workspace is locked. */
    async check(workspace: string, email: string): Promise<void> {
      const lockedUntil = Number((await kv.get(`${account(workspace, email)}:locked`)) ?? 0);
      if (lockedUntil > clock.now()) {
        const retryAfterSeconds = seconds(lockedUntil - clock.now());
        throw new AppError('rate_limited', `Too many failed logins for this account; try again in ${retryAfterSeconds} s, or ask an admin to reset the password.`, {
          details: { retryAfterSeconds },
        });
      }
      const window = workspaceWindow();
      const failures = Number((await kv.get(workspaceKey(workspace, window))) ?? 0);
      if (failures >= WORKSPACE_FAILURES_PER_WINDOW) {
        const retryAfterSeconds = seconds((window + 1) * WORKSPACE_WINDOW_MS - clock.now());
        throw new AppError('rate_limited', `Too many failed logins in this workspace; try again in ${retryAfterSeconds} s.`, { details: { retryAfterSeconds } });
      }
    },

    async failed(workspace: string, email: string): Promise<void> {
      const key = account(workspace, email);
      const failures = await kv.incr(`${key}:failures`, { ttlMs: FAILURE_MEMORY_MS });
      if (failures >= FREE_FAILURES) {
        const lockMs = Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** (failures - FREE_FAILURES));
        await kv.set(`${key}:locked`, String(clock.now() + lockMs), { ttlMs: lockMs });
      }
      await kv.incr(workspaceKey(workspace, workspaceWindow()), { ttlMs: WORKSPACE_WINDOW_MS + 1000 });
    },

    async succeeded(workspace: string, email: string): Promise<void> {
      const key = account(workspace, email);
      await Promise.all([kv.del(`${key}:failures`), kv.del(`${key}:locked`)]);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
