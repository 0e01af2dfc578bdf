import { AppError } from '../../shared/app-error.js';
import type { LockOptions } from './contract.js';

export interface LockDefaults {
  ttlMs: number;
  waitMs: number;
}

export const resolveLockOptions = (defaults: LockDefaults, options: LockOptions = {}): LockDefaults => ({
  ttlMs: options.ttlMs ?? defaults.ttlMs,
  waitMs: options.waitMs ?? defaults.waitMs,
});

export const busyError = () =>
  new AppError('conversation_busy', 'The conversation is busy with an earlier message; try again shortly.');

export const closedError = () => new Error('storage: locks are closed; the app is shutting down');

/** Renew often enough that two renewals can fail before the TTL runs out. */
export const renewEvery = (ttlMs: number) => Math.max(1, Math.floor(ttlMs / 3));
