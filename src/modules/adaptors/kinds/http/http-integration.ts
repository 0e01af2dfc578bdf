import type { OperationInfo } from '../../contract.js';
import { CallError, httpStatusError } from '../../call-error.js';
import type { HttpResponse } from '../../http/http-client.js';
import { createRedactor } from '../../redact.js';
import type { CallContext, IntegrationClient, KindCaps } from '../define-kind.js';
import { createAuth, type Outgoing } from './http-auth.js';
import { type HttpConfig, type HttpOperation, type HttpSecrets, isIdempotentMethod } from './http-schema.js';
import { evaluate, renderPath, renderText, renderValue, type TemplateScope } from './templates.js';

const joinUrl = (base: string, path: string): string => (path ? `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}` : base);

/** A short, secret-free hint from an error body, so a 4xx says what the service disliked. */
function hint(body: unknown): string {
  if (body === null || body === undefined) return '';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
}

function mapOutput(op: HttpOperation, response: HttpResponse, name: string): unknown {
  const scope = { body: response.body, status: response.status, headers: response.headers };
  if (op.error !== undefined) {
    const failure = evaluate(op.error, scope, `operations.${name}.error`);
    if (failure !== undefined && failure !== null && failure !== false && failure !== '') {
      throw new CallError('remote_error', `The service reported an error: ${typeof failure === 'string' ? failure : JSON.stringify(failure)}`);
    }
  }
  if (op.output === undefined) return response.body;
  if (typeof op.output === 'string') return evaluate(op.output, scope, `operations.${name}.output`) ?? null;
  return Object.fromEntries(Object.entries(op.output).map(([key, expr]) => [key, evaluate(expr, scope, `operations.${name}.output.${key}`) ?? null]));
}

/** The generic REST integration: templated requests, auth, response mapping. */
export function createHttpIntegration(caps: KindCaps, config: HttpConfig, secrets: HttpSecrets): IntegrationClient {
  const auth = createAuth(config.auth, secrets, caps);

  async function send(method: string, rendered: Outgoing, ctx: CallContext): Promise<HttpResponse> {
    // A 401 with a cached OAuth token means it expired or was revoked: fetch a new one and try once more.
    for (let attempt = 0; ; attempt++) {
      const outgoing: Outgoing = { headers: { ...rendered.headers }, url: new URL(rendered.url), body: rendered.body };
      await auth.apply(outgoing, ctx.signal);
      const request = { method, url: outgoing.url.toString(), headers: outgoing.headers, signal: ctx.signal, maxBytes: config.maxResponseBytes, credentialHeaders: auth.credentialHeaders };
      const body = outgoing.body === undefined || typeof outgoing.body === 'string' ? outgoing.body : JSON.stringify(outgoing.body);
      const response = await caps.http.request(body === undefined ? request : { ...request, body });
      if (response.status === 401 && attempt === 0 && auth.invalidate()) continue;
      // Before any mapping, error expression or hint sees it: a filter could disguise an echoed secret, a cut could halve it.
      const redact = createRedactor([...Object.values(secrets).filter((v): v is string => typeof v === 'string'), ...auth.sensitiveValues()]);
      return { ...response, headers: redact(response.headers), body: redact(response.body) };
    }
  }

  /** Secrets are not in the scope: a template could copy them anywhere, in any disguise the redactor misses. */
  function buildRequest(name: string, op: HttpOperation, input: Record<string, unknown>): Outgoing {
    const scope: TemplateScope = { input, config };
    const url = new URL(joinUrl(config.baseUrl, renderPath(op.path, scope)));
    for (const [key, template] of Object.entries(op.query ?? {})) {
      const value = renderText(template, scope, `operations.${name}.query.${key}`);
      if (value !== '') url.searchParams.set(key, value);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [key, template] of Object.entries({ ...config.headers, ...op.headers })) {
      headers[key.toLowerCase()] = renderText(template, scope, `headers.${key}`);
    }
    let body: unknown;
    if (op.body !== undefined && op.method !== 'GET' && op.method !== 'HEAD') {
      body = renderValue(op.body, scope, `operations.${name}.body`);
      headers['content-type'] ??= typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
    }
    return { url, headers, body };
  }

  return {
    async listOperations(): Promise<OperationInfo[]> {
      return Object.entries(config.operations).map(([name, op]) => ({
        name,
        ...(op.description ? { description: op.description } : {}),
        idempotent: op.idempotent ?? isIdempotentMethod(op.method),
        ...(op.required ? { inputSchema: { type: 'object', required: op.required } } : {}),
      }));
    },

    async call(name, input, ctx) {
      const op = config.operations[name];
      if (!op) throw new CallError('operation_not_found', `This integration has no operation '${name}'.`);
      const missing = (op.required ?? []).filter((field) => input[field] === undefined || input[field] === null || input[field] === '');
      if (missing.length > 0) throw new CallError('invalid_input', `Operation '${name}' needs ${missing.map((m) => `'${m}'`).join(', ')}.`);
      const response = await send(op.method, buildRequest(name, op, input), ctx);
      if (response.status < 200 || response.status >= 300) throw httpStatusError(response.status, hint(response.body), response.headers['retry-after']);
      return mapOutput(op, response, name);
    },

    async test(ctx) {
      const url = new URL(joinUrl(config.baseUrl, config.testPath ?? ''));
      const response = await send('GET', { url, headers: { accept: 'application/json' }, body: undefined }, ctx).catch((error: unknown) => {
        // Reachable and answering is what this checks; a page that is not JSON or text still proves that.
        if (error instanceof CallError && error.code === 'unsupported_response') return { status: 200, headers: {} as Record<string, string>, body: null, url: '' };
        throw error;
      });
      if (response.status === 401 || response.status === 403 || response.status >= 500) throw httpStatusError(response.status, '', response.headers['retry-after']);
      return { status: response.status };
    },

    async close() {},

    sensitiveValues: () => auth.sensitiveValues(),
  };
}
