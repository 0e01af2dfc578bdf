import { convert } from 'html-to-text';
import { extractText as extractPdfText, getDocumentProxy } from 'unpdf';
import { AppError } from '../../shared/app-error.js';

export type DocumentKind = 'markdown' | 'text' | 'html' | 'pdf';

/** Links and images carry no answer text; tables and lists keep theirs. */
const HTML_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'nav', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
  ],
};

export function htmlToText(html: string): string {
  return convert(html, HTML_OPTIONS);
}

export async function pdfToText(bytes: Uint8Array): Promise<string> {
  try {
    // pdf.js refuses Node Buffers (a Uint8Array subclass): it wants a plain Uint8Array of its own.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    const { text } = await extractPdfText(pdf, { mergePages: false });
    return text.join('\n\n');
  } catch (error) {
    throw new AppError('bad_request', 'The PDF could not be read; check that the file is a PDF and not password-protected.', { cause: error });
  }
}

/**
 * The searchable text of a document. Markdown and plain text are kept as they are, so a citation's
 * offsets point into what the builder uploaded; HTML and PDF become plain text first.
 */
export async function extractText(kind: DocumentKind, content: string | Uint8Array): Promise<string> {
  const raw = typeof content === 'string' ? content : null;
  switch (kind) {
    case 'markdown':
    case 'text':
      return raw ?? new TextDecoder().decode(content as Uint8Array);
    case 'html':
      return htmlToText(raw ?? new TextDecoder().decode(content as Uint8Array));
    case 'pdf':
      return pdfToText(typeof content === 'string' ? Buffer.from(content, 'base64') : content);
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown document kind ${String(unreachable)}`);
    }
  }
}
