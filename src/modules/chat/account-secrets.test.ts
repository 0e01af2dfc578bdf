import { describe, expect, it } from 'vitest';
import { accountSecretPaths, joinAccountSecrets, splitAccountSecrets, withStoredAccountSecrets } from './account-secrets.js';

const list = { field: 'pages', id: 'pageId', secret: 'pageAccessToken' };

describe('per-account credentials', () => {
  it('split into shown ids and sealed tokens, and join back', () => {
    const config = { appSecret: 'a', pages: [{ pageId: '111', pageAccessToken: 't1' }, { pageId: '222', pageAccessToken: 't2' }] };
    const { config: shown, secrets } = splitAccountSecrets(list, config);
    expect(shown).toEqual({ appSecret: 'a', pages: [{ pageId: '111' }, { pageId: '222' }] });
    expect(secrets).toEqual({ 111: { pageAccessToken: 't1' }, 222: { pageAccessToken: 't2' } });
    expect(joinAccountSecrets(list, shown, secrets)).toEqual(config);
    expect(accountSecretPaths(list, secrets)).toEqual(['pages.111.pageAccessToken', 'pages.222.pageAccessToken']);
  });

  it('keeps a stored token for an account listed without one; a new token wins; other shapes are left for the schema', () => {
    const stored = { 111: { pageAccessToken: 'old' } };
    expect(withStoredAccountSecrets(list, { pages: [{ pageId: '111' }, { pageId: '333', pageAccessToken: 'new' }] }, stored)).toEqual({
      pages: [{ pageId: '111', pageAccessToken: 'old' }, { pageId: '333', pageAccessToken: 'new' }],
    });
    expect(withStoredAccountSecrets(list, { pages: [{ pageId: '111', pageAccessToken: 'newer' }] }, stored)).toEqual({ pages: [{ pageId: '111', pageAccessToken: 'newer' }] });
    expect(withStoredAccountSecrets(list, { pages: 'nope' }, stored)).toEqual({ pages: 'nope' });
    expect(withStoredAccountSecrets(undefined, { pages: [{ pageId: '111' }] }, stored)).toEqual({ pages: [{ pageId: '111' }] });
  });
});
