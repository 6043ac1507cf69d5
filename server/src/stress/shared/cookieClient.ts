/** An answer of the API: status and parsed JSON body (null when there is none). */
export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the JSON bodies they expect.
  body: any;
}

/**
 * A browser's session cookie, reduced to what the API needs: it can be sent to any instance,
 * as a proxy in front of several instances would.
 */
export class CookieClient {
  /** The cookies the API set, by name. */
  readonly cookies = new Map<string, string>();

  /** Calls `method path` on the instance at `baseUrl`, with the cookie, keeping a new one. */
  async call(baseUrl: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0)
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(path, baseUrl), {
      method: method.toUpperCase(),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const expired = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line);
      if (expired) this.cookies.delete(pair.slice(0, at));
      else this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const text = await response.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed };
  }

  /** Signs in on one instance with an e-mail and a password; throws unless 200. */
  async login(baseUrl: string, email: string, password: string): Promise<ApiAnswer> {
    const answer = await this.call(baseUrl, 'post', '/api/auth/login', { email, password });
    if (answer.status !== 200)
      throw new Error(`login of ${email} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  }
}
