import type { z } from 'zod';
import type { Clock } from '../../../shared/clock.js';
import { defineExtension, type Extension } from '../../../shared/define-extension.js';
import type { Logger } from '../../../shared/logger.js';
import type { OperationInfo } from '../contract.js';
import type { HttpClient } from '../http/http-client.js';

/** What a kind may use: never storage, never the app (STYLE.md §4). */
export interface KindCaps {
  http: HttpClient;
  logger: Logger;
  clock: Clock;
  /** Commands the operator lets MCP stdio integrations run. */
  stdioCommands: readonly string[];
}

export interface CallContext {
  /** Aborts at the call's deadline; pass it to every I/O. */
  signal: AbortSignal;
}

/** A live integration built from one row's config and secrets; cached while the row is unchanged. */
export interface IntegrationClient {
  /** The operations callable now (for MCP: the server's tools). */
  listOperations(ctx: CallContext): Promise<OperationInfo[]>;
  /** Throws CallError on failure; `input` has already been checked against the operation. */
  call(operation: string, input: Record<string, unknown>, ctx: CallContext): Promise<unknown>;
  /** A cheap connectivity and credentials check for `POST /v1/integrations/{id}/test`. */
  test(ctx: CallContext): Promise<unknown>;
  close(): Promise<void>;
  /** Credentials obtained at run time (OAuth access tokens), redacted from traces like the stored secrets. */
  sensitiveValues?(): string[];
}

/**
 * Somewhere this integration's secrets are sent: a URL the kind connects to, or the command line
 * of a local server process that gets them. `path` names the config field, for error messages.
 */
export type Destination = { path: string; url: string } | { path: string; process: string };

/** `secretsSchema` holds string fields only: they are redacted from traces by value. */
export interface IntegrationKind<C = unknown, S = unknown> extends Extension<'integration', string, z.ZodType<C>, z.ZodType<S>> {
  title: string;
  description: string;
  /** Presets list their operations as data; generic kinds get theirs from config or the server. */
  operations?: OperationInfo[];
  /** Problems a bot builder must fix (a missing secret, a command the operator does not allow). */
  problems?(config: C, secrets: S, env: { stdioCommands: readonly string[] }): string[];
  /** Where the secrets go: URLs are checked when saved, and moving any destination takes the secrets again. */
  destinations(config: C): Destination[];
  create(caps: KindCaps, config: C, secrets: S): IntegrationClient;
}

/** Identity function for type inference: a kind is data plus one factory. */
export function defineIntegrationKind<C, S>(kind: Omit<IntegrationKind<C, S>, 'kind'>): IntegrationKind<C, S> {
  return defineExtension({ kind: 'integration', ...kind });
}

/**
 * For the registry's one array. Sound because config and secrets always pass through the kind's
 * own schemas before `create` sees them.
 */
export const eraseKind = <C, S>(kind: IntegrationKind<C, S>): IntegrationKind<unknown, unknown> => kind as unknown as IntegrationKind<unknown, unknown>;
