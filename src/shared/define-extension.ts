import type { z } from 'zod';

/** The extension points whose entries a workspace configures: channels, integration kinds, model providers. */
export type ExtensionKind = 'channel' | 'integration' | 'model-provider';

/**
 * What every extension declares as data, readable without running it (STYLE §4): the console's
 * forms, `GET …/kinds` and validation all read these. Settings and credentials are separate
 * schemas because credentials are sealed at rest, never returned, and redacted from traces.
 * Each extension point adds its own factory and hooks (a channel's `create` with `verify`, a
 * kind's `destinations`, a provider's `create`).
 */
export interface Extension<K extends ExtensionKind = ExtensionKind, Id extends string = string, C extends z.ZodType = z.ZodType, S extends z.ZodType = z.ZodType> {
  kind: K;
  id: Id;
  /** Settings that are not secret, as stored and shown back. */
  configSchema: C;
  /** Credentials: stored encrypted, never returned. */
  secretsSchema: S;
}

/** Identity function for type inference; `const` keeps ids literal so registries can derive their id unions. */
export const defineExtension = <const E extends Extension>(extension: E): E => extension;
