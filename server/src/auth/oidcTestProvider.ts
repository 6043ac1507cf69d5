import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/**
 * Test helpers for the OpenID Connect login: a real OpenID provider (oidc-provider) on a
 * random local port, with a confidential client and interaction endpoints that a test drives
 * programmatically, standing for the user at ProConnect.
 */

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface LocalServer {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  /** Sets what answers the requests (the port is known before the handler exists). */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** An http server on a random port of 127.0.0.1 whose handler is set later. */
export async function startLocalServer(): Promise<LocalServer> {
  let current: Handler = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = http.createServer((req, res) => current(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handle: (handler) => {
      current = handler;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface ProviderAccount {
  sub: string;
  email: string;
  givenName: string;
  usualName: string;
}

/** What the user does at the provider's interaction: log in as an account, or cancel. */
export type UserAction = { login: string } | 'abort';

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  addAccount(account: ProviderAccount): void;
  /**
   * Plays the user's browser at the provider, from the authorization URL the application
   * redirected to, until the provider redirects back out of itself: returns that URL (the
   * application's callback with code or error, state and iss).
   */
  authorize(authorizationUrl: string, action: UserAction): Promise<URL>;
  close(): Promise<void>;
}

const SCOPES = ['openid', 'email', 'given_name', 'usual_name'];

/** Starts the provider; `redirectUri` is the application's callback, registered for the client. */
export async function startTestProvider(redirectUri: string): Promise<TestProvider> {
  const local = await startLocalServer();
  const issuer = local.url;
  const clientId = 'maestro-test';
  const clientSecret = randomBytes(24).toString('hex');
  const accounts = new Map<string, ProviderAccount>();
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    // ProConnect's scopes: one per claim.
    claims: {
      openid: ['sub'],
      email: ['email'],
      given_name: ['given_name'],
      usual_name: ['usual_name'],
    },
    jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'RS256', kid: 'test' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    ttl: {
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: account.email,
          given_name: account.givenName,
          usual_name: account.usualName,
        }),
      };
    },
    // The user consents to everything: once logged in, the grant covers the scopes asked.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session, result, provider } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return provider.Grant.find(grantId);
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(SCOPES.join(' '));
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      ctx.type = 'json';
      ctx.body = out;
    },
  });
  const providerCallback = provider.callback();

  // The interaction endpoints of the provider's login page, driven by `authorize` below.
  const interaction = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/;
  local.handle((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const match = interaction.exec(url.pathname);
    if (!match) return providerCallback(req, res);
    const step = match[2];
    const answer = async () => {
      const details = await provider.interactionDetails(req, res);
      if (step === 'login') {
        const accountId = url.searchParams.get('account') ?? '';
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId } },
          { mergeWithLastSubmission: false },
        );
      } else if (step === 'abort') {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'End-User aborted interaction' },
          { mergeWithLastSubmission: false },
        );
      } else {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ uid: details.uid, prompt: details.prompt.name }));
      }
    };
    answer().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  const authorize = async (authorizationUrl: string, action: UserAction): Promise<URL> => {
    const jar = new Map<string, string>();
    const send = async (target: URL) => {
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const response = await fetch(target, {
        redirect: 'manual',
        headers: cookie ? { cookie } : {},
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair = '', ...attributes] = line.split(';');
        const separator = pair.indexOf('=');
        const name = pair.slice(0, separator).trim();
        const value = pair.slice(separator + 1).trim();
        const expired = attributes.some((attribute) => {
          const [key = '', date = ''] = attribute.split('=');
          return key.trim().toLowerCase() === 'expires' && Date.parse(date) <= Date.now();
        });
        if (expired || value === '') jar.delete(name);
        else jar.set(name, value);
      }
      return response;
    };

    let target = new URL(authorizationUrl);
    const acted = new Set<string>();
    for (let hop = 0; hop < 10; hop += 1) {
      if (target.origin !== new URL(issuer).origin) return target;
      const response = await send(target);
      const body = await response.text();
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        target = new URL(location, target);
        continue;
      }
      const match = interaction.exec(target.pathname);
      if (response.status === 200 && match?.[1] && !match[2] && !acted.has(match[1])) {
        acted.add(match[1]);
        const step =
          action === 'abort' ? 'abort' : `login?account=${encodeURIComponent(action.login)}`;
        target = new URL(`/interaction/${match[1]}/${step}`, issuer);
        continue;
      }
      throw new Error(
        `unexpected answer of the provider: ${response.status} at ${target.pathname}: ${body.slice(0, 500)}`,
      );
    }
    throw new Error('too many redirects at the provider');
  };

  return {
    issuer,
    clientId,
    clientSecret,
    addAccount: (account) => {
      accounts.set(account.sub, account);
    },
    authorize,
    close: () => local.close(),
  };
}
