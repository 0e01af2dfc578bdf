import { describe, expect, it } from 'vitest';
import { redactUrl } from './request-log.js';

describe('redactUrl', () => {
  it('hides the values of credential-like parameters, however their names are written', () => {
    expect(redactUrl('/w?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=42')).toBe('/w?hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=42');
    expect(redactUrl('/a?hub%2Everify%5Ftoken=s3cret&Access_Token=t&apiKey=k&password=p&limit=5')).toBe(
      '/a?hub%2Everify%5Ftoken=[redacted]&Access_Token=[redacted]&apiKey=[redacted]&password=[redacted]&limit=5',
    );
  });

  it('leaves URLs without credentials, and odd queries, as they came', () => {
    expect(redactUrl('/v1/flows')).toBe('/v1/flows');
    expect(redactUrl('/v1/flows?limit=5&&flag')).toBe('/v1/flows?limit=5&&flag');
    expect(redactUrl('/x?%E0%A4%A=1&token')).toBe('/x?%E0%A4%A=1&token');
  });
});
