import type { AccountList } from './channels/define-channel.js';

type Fields = Record<string, unknown>;
/** Per-account credentials as sealed: account id → its secret fields. */
export type AccountSecrets = Record<string, Fields>;

const isFields = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * How a channel's account list (`pages: [{pageId, pageAccessToken}]`) is stored: the accounts'
 * ids and plain settings with the channel's settings, their credentials sealed by account id.
 * A PUT may leave an account's credentials out to keep the stored ones, as with the channel's own.
 */
export function withStoredAccountSecrets(list: AccountList | undefined, config: Fields, stored: AccountSecrets): Fields {
  const items = list ? config[list.field] : undefined;
  // Anything but a list of objects is left for the channel's schema to refuse.
  if (!list || !Array.isArray(items)) return config;
  const filled = items.map((item) => {
    const id = isFields(item) ? item[list.id] : undefined;
    const kept = typeof id === 'string' ? stored[id] : undefined;
    return isFields(item) && kept ? { ...kept, ...item } : item;
  });
  return { ...config, [list.field]: filled };
}

/** A validated config without the accounts' credentials, and those credentials by account id. */
export function splitAccountSecrets(list: AccountList | undefined, config: Fields): { config: Fields; secrets: AccountSecrets } {
  const items = list ? config[list.field] : undefined;
  if (!list || !Array.isArray(items)) return { config, secrets: {} };
  const secrets: AccountSecrets = {};
  const plain = items.filter(isFields).map((item) => {
    const own = Object.entries(item).filter(([key]) => key === list.secret);
    if (own.length > 0) secrets[String(item[list.id])] = Object.fromEntries(own);
    return Object.fromEntries(Object.entries(item).filter(([key]) => key !== list.secret));
  });
  return { config: { ...config, [list.field]: plain }, secrets };
}

/** The stored settings with each account's credentials put back. */
export function joinAccountSecrets(list: AccountList | undefined, settings: Fields, secrets: AccountSecrets): Fields {
  const items = list ? settings[list.field] : undefined;
  if (!list || !Array.isArray(items)) return settings;
  return { ...settings, [list.field]: items.map((item) => (isFields(item) ? { ...item, ...secrets[String(item[list.id])] } : item)) };
}

/** Which account credentials are set, as paths (`pages.104858002312345.pageAccessToken`), for the API's `secretsSet`. */
export const accountSecretPaths = (list: AccountList | undefined, secrets: AccountSecrets): string[] =>
  list ? Object.entries(secrets).flatMap(([id, fields]) => Object.keys(fields).map((key) => `${list.field}.${id}.${key}`)) : [];
