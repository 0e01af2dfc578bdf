/** One response as a browser sees it before following a redirect. */
export interface Hop {
  url: string;
  status: number;
  location: string | null;
  contentType: string;
  text: string;
}

/**
 * What a browser does for a redirect-based sign-in, over real HTTP: it keeps cookies (by name:
 * every server here is 127.0.0.1, and cookies ignore ports) and follows redirects one by one, so
 * a test can stop at any hop and look at it.
 */
export function cookieBrowser(accept = 'text/html') {
  const jar = new Map<string, string>();

  function keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  async function request(url: string, init: { method?: string; form?: Record<string, string>; json?: unknown } = {}): Promise<Hop> {
    const headers: Record<string, string> = { accept: init.json === undefined ? accept : 'application/json', cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const response = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'manual' });
    keep(response);
    const location = response.headers.get('location');
    return { url, status: response.status, location: location ? new URL(location, url).href : null, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  return {
    jar,
    request,
    /** Follows redirects from `url` until a page answers, or until `stop` says the next hop is to be left alone. */
    async follow(url: string, init: { form?: Record<string, string> } = {}, stop: (next: string) => boolean = () => false): Promise<Hop> {
      let hop = await request(url, init);
      for (let n = 0; hop.location && hop.status >= 300 && hop.status < 400 && !stop(hop.location); n += 1) {
        if (n > 10) throw new Error(`too many redirects from ${url}`);
        hop = await request(hop.location);
      }
      return hop;
    },
  };
}

export type CookieBrowser = ReturnType<typeof cookieBrowser>;
