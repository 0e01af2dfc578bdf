import { AppError } from '../../shared/app-error.js';
import type { Api } from './api.js';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

/**
 * JSON bodies: an empty body reads as "no body" (POST …/publish without one is normal), and a
 * malformed one gets our invalid_json error. YAML and plain text arrive as strings (flow sources).
 */
export function registerBodyParsers(app: Api): void {
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body !== 'string' || body.trim() === '') return done(null, undefined);
    defaultJson(request, body, (error, value) =>
      error ? done(new AppError('invalid_json', `The request body is not valid JSON: ${error.message}`), undefined) : done(null, value),
    );
  });
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));
}
