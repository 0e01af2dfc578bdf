import type { Readable } from 'node:stream';
import { CallError } from '../call-error.js';

const tooLarge = (limit: number) =>
  new CallError('response_too_large', `The response is larger than ${limit} bytes; ask the service for less (filters, paging) or raise the limit.`);

/** Drops a response body we will not read; undici reports the abort as an error event nobody needs. */
export function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * Reads at most `limit` bytes: a declared length over the limit is refused before reading, and an
 * undeclared one stops (and drops the connection) as soon as it passes the limit, so a huge
 * response never fills memory. A slow one is cut by the request's abort signal.
 */
export async function readLimited(body: Readable, declaredLength: string | undefined, limit: number): Promise<Buffer> {
  if (declaredLength !== undefined && Number(declaredLength) > limit) {
    discard(body);
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > limit) {
      discard(body);
      throw tooLarge(limit);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The same limit over a web stream (the MCP SDK reads fetch responses, including SSE streams). */
export function limitStream(stream: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  let size = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > limit) controller.error(tooLarge(limit));
        else controller.enqueue(chunk);
      },
    }),
  );
}

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\b/i;

/** JSON (application/json, …+json) becomes a value, text/* a string; anything else is refused. */
export function decodeBody(buffer: Buffer, contentType: string | undefined): unknown {
  if (buffer.length === 0) return null;
  const type = (contentType ?? '').trim();
  if (JSON_TYPE.test(type)) {
    try {
      return JSON.parse(buffer.toString('utf8')) as unknown;
    } catch {
      throw new CallError('unsupported_response', 'The service sent invalid JSON.');
    }
  }
  if (/^text\//i.test(type)) return buffer.toString('utf8');
  throw new CallError('unsupported_response', `The service answered with content type '${type || 'none'}'; only JSON and text are accepted.`);
}
