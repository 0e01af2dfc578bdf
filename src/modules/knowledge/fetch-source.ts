import { AppError } from '../../shared/app-error.js';
import type { DocumentKind } from './extract-text.js';

const TIMEOUT_MS = 15_000;

/** The innermost meaningful message: fetch wraps the guard's refusal as `TypeError('fetch failed', {cause})`. */
function reason(error: unknown): string {
  let message = 'the request failed';
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message && e.message !== 'fetch failed') message = e.message;
  }
  return message;
}

function kindOf(contentType: string, url: string): DocumentKind {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/pdf' || /\.pdf$/i.test(new URL(url).pathname)) return 'pdf';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type === 'text/markdown' || /\.md$/i.test(new URL(url).pathname)) return 'markdown';
  if (type.startsWith('text/') || type === '') return 'text';
  throw new AppError('bad_request', `The page at ${url} is ${type}, not a document; link an HTML page, a PDF, Markdown or plain text.`);
}

/**
 * Downloads a URL source through the adaptors' SSRF-guarded fetch (internal addresses refused,
 * response size capped), and says what kind of document it is.
 */
export async function fetchSource(fetchFn: typeof fetch, url: string): Promise<{ kind: DocumentKind; content: string | Uint8Array }> {
  let response: Response;
  try {
    response = await fetchFn(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'text/html, application/pdf, text/markdown, text/plain;q=0.9, */*;q=0.1' } });
  } catch (error) {
    throw new AppError('bad_request', `Could not fetch ${url}: ${reason(error)}`, { cause: error });
  }
  if (!response.ok) throw new AppError('bad_request', `Could not fetch ${url}: the server answered ${response.status}.`);
  const kind = kindOf(response.headers.get('content-type') ?? '', url);
  try {
    if (kind === 'pdf') return { kind, content: new Uint8Array(await response.arrayBuffer()) };
    return { kind, content: await response.text() };
  } catch (error) {
    throw new AppError('bad_request', `Could not read ${url}: ${reason(error)}`, { cause: error });
  }
}
