import { z } from 'zod';

/** The generic REST integration's configuration; presets build one of these from their own. */
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const headerMap = z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'not a header name'), z.string().max(4000));
const expression = z.string().min(1).max(500);

export const httpAuthSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('none') }),
    /** Sends secret `apiKey` as a header or query parameter named `name`. */
    z.strictObject({ type: z.literal('api_key'), in: z.enum(['header', 'query']).default('header'), name: z.string().min(1).max(100) }),
    /** Sends secret `token` as `Authorization: Bearer …`. */
    z.strictObject({ type: z.literal('bearer') }),
    /** Sends `username` and secret `password` as HTTP Basic. */
    z.strictObject({ type: z.literal('basic'), username: z.string().min(1).max(200) }),
    /** Fetches and caches an access token with `clientId` and secret `clientSecret`; refreshes it on 401. */
    z.strictObject({
      type: z.literal('oauth2_client_credentials'),
      tokenUrl: httpUrl,
      clientId: z.string().min(1).max(500),
      scope: z.string().max(1000).optional(),
      audience: z.string().max(500).optional(),
      /** Where the client credentials go: the form body (most providers) or HTTP Basic. */
      clientAuth: z.enum(['body', 'basic']).default('body'),
    }),
  ])
  .default({ type: 'none' });
/**
 * For presets only (not in the builders' schema): sends secret `apiKey` as one field of the JSON
 * body, set after the body template is rendered (Odoo's JSON-RPC takes its key as an argument).
 */
export interface BodyFieldAuth {
  type: 'body_field';
  field: readonly (string | number)[];
}
export type HttpAuth = z.infer<typeof httpAuthSchema> | BodyFieldAuth;

export const httpOperationSchema = z.strictObject({
  description: z.string().max(500).optional(),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
  /** Appended to `baseUrl`; `{{ input.id }}` outputs are URL-encoded. */
  path: z.string().max(2000).default(''),
  query: z.record(z.string(), z.string().max(2000)).optional(),
  headers: headerMap.optional(),
  /** A JSON template sent as application/json; its strings may hold `{{ … }}`. */
  body: z.unknown().optional(),
  /** Retried after failures only when true; defaults to true for GET, HEAD, PUT and DELETE. */
  idempotent: z.boolean().optional(),
  /** Input fields that must be present. */
  required: z.array(z.string().min(1)).max(50).optional(),
  /** What the call returns: an expression over `{body, status, headers}`, or an object of them. */
  output: z.union([expression, z.record(z.string(), expression)]).optional(),
  /** An expression that, when truthy, makes the call fail with its value as the message (JSON-RPC errors). */
  error: expression.optional(),
});
export type HttpOperation = z.infer<typeof httpOperationSchema>;

export const httpConfigSchema = z.strictObject({
  baseUrl: httpUrl,
  auth: httpAuthSchema,
  /** Sent with every operation. */
  headers: headerMap.optional(),
  /** A response cap below the server's maximum. */
  maxResponseBytes: z.number().int().min(1).optional(),
  /** Path requested (GET) by the connectivity test; defaults to the base URL. */
  testPath: z.string().max(2000).optional(),
  operations: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'use letters, digits and _'), httpOperationSchema).default({}),
});
export type HttpConfig = Omit<z.infer<typeof httpConfigSchema>, 'auth'> & { auth: HttpAuth };

export const httpSecretsSchema = z.strictObject({
  apiKey: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
});
export type HttpSecrets = z.infer<typeof httpSecretsSchema>;

const NEEDS: Record<HttpAuth['type'], keyof HttpSecrets | null> = {
  none: null,
  api_key: 'apiKey',
  bearer: 'token',
  basic: 'password',
  oauth2_client_credentials: 'clientSecret',
  body_field: 'apiKey',
};

/** Problems a bot builder must fix before the integration can work. */
export function httpConfigProblems(config: HttpConfig, secrets: HttpSecrets): string[] {
  const needed = NEEDS[config.auth.type];
  return needed && !secrets[needed] ? [`auth '${config.auth.type}' needs the secret '${needed}'`] : [];
}

export const isIdempotentMethod = (method: HttpOperation['method']): boolean => ['GET', 'HEAD', 'PUT', 'DELETE'].includes(method);
