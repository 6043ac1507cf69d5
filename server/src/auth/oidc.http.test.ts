import type { Db } from '@maestro/database';
import { createTestDatabase } from '@maestro/database/testing';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import {
  type LocalServer,
  startLocalServer,
  startTestProvider,
  type TestProvider,
  type UserAction,
} from './oidcTestProvider';

/**
 * OpenID Connect login against a real provider (oidc-provider) on a local port: the
 * application runs on its own port too, because the provider redirects the browser to it.
 */

let db: Db;
let drop: () => Promise<void>;
let app: LocalServer;
let provider: TestProvider;
const logLines: string[] = [];

const callbackPath = '/api/auth/oidc/callback';

beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
  app = await startLocalServer();
  provider = await startTestProvider(`${app.url}${callbackPath}`);
  const config = loadConfig({
    NODE_ENV: 'test',
    APP_URL: app.url,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_ALLOW_INSECURE: 'true',
    LOG_LEVEL: 'silent',
  });
  // The logs are kept to check that no personal data reaches them.
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  app.handle(await createApp({ db, config, logger }));

  await db('users').insert([
    {
      email: 'marie.durand@agriculture.gouv.fr',
      firstName: 'Marie',
      lastName: 'Durand',
      role: 'NationalObserver',
      regionCode: null,
      departmentCode: null,
      laboratoryId: null,
    },
    {
      email: 'paul.martin@agriculture.gouv.fr',
      firstName: 'Paul',
      lastName: 'Martin',
      role: 'NationalObserver',
      regionCode: null,
      departmentCode: null,
      laboratoryId: null,
      disabled: true,
    },
  ]);
  provider.addAccount({
    sub: 'pc-marie',
    email: 'Marie.DURAND@Agriculture.gouv.fr',
    givenName: 'Marie',
    usualName: 'Durand',
  });
  provider.addAccount({
    sub: 'pc-paul',
    email: 'paul.martin@agriculture.gouv.fr',
    givenName: 'Paul',
    usualName: 'Martin',
  });
  provider.addAccount({
    sub: 'pc-inconnu',
    email: 'jeanne.inconnue@agriculture.gouv.fr',
    givenName: 'Jeanne',
    usualName: 'Inconnue',
  });
});

afterAll(async () => {
  await app?.close();
  await provider?.close();
  await drop?.();
});

const sessionCookie = (res: request.Response): string | undefined => {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  return header?.find((cookie) => cookie.startsWith('maestro.sid='))?.split(';')[0];
};

/** The browser: starts the login at the application, acts at the provider, comes back. */
async function oidcLogin(action: UserAction, tamper?: (callback: URL) => void) {
  const agent = request.agent(app.url);
  const start = await agent.get('/api/auth/oidc/login');
  expect(start.status).toBe(302);
  const callback = await provider.authorize(start.headers.location as string, action);
  expect(callback.origin + callback.pathname).toBe(`${app.url}${callbackPath}`);
  const genuine = new URL(callback);
  tamper?.(callback);
  const end = await agent.get(callback.pathname + callback.search);
  return { agent, start, callback, genuine, end };
}

const userCount = async () => Number((await db('users').count({ n: '*' }))[0]?.n);

describe('OpenID Connect login', () => {
  it('redirects to the provider with the authorization code flow, PKCE, state and nonce', async () => {
    const res = await request(app.url).get('/api/auth/oidc/login');
    expect(res.status).toBe(302);
    expect(res.headers['cache-control']).toBe('no-store');
    const location = new URL(res.headers.location as string);
    expect(location.origin).toBe(provider.issuer);
    const params = Object.fromEntries(location.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: provider.clientId,
      redirect_uri: `${app.url}${callbackPath}`,
      scope: 'openid email given_name usual_name',
      code_challenge_method: 'S256',
    });
    expect(params.code_challenge).toMatch(/^[\w-]{43}$/);
    expect(params.state).toMatch(/^[\w-]{32,}$/);
    expect(params.nonce).toMatch(/^[\w-]{32,}$/);
    // The state lives in a session, hence a session cookie.
    expect(sessionCookie(res)).toBeDefined();
  });

  it('logs a known e-mail in (whatever its case), with a new session id', async () => {
    const usersBefore = await userCount();
    const { agent, start, end } = await oidcLogin({ login: 'pc-marie' });
    expect(end.status).toBe(302);
    expect(end.headers.location).toBe('/');
    expect(sessionCookie(end)).toBeDefined();
    expect(sessionCookie(end)).not.toBe(sessionCookie(start));

    const session = await agent.get('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({
      email: 'marie.durand@agriculture.gouv.fr',
      firstName: 'Marie',
      lastName: 'Durand',
      role: 'NationalObserver',
    });
    expect(await userCount()).toBe(usersBefore);

    const user = await db('users').where({ email: 'marie.durand@agriculture.gouv.fr' }).first();
    expect(user.lastLoginAt).not.toBeNull();
    const audit = await db('auditEvents').where({ entityId: user.id, action: 'login' });
    expect(audit.map((row) => row.after)).toContainEqual({ method: 'oidc' });
  });

  it('refuses an unknown e-mail without creating an account', async () => {
    const usersBefore = await userCount();
    const { agent, end } = await oidcLogin({ login: 'pc-inconnu' });
    expect(end.status).toBe(302);
    expect(end.headers.location).toBe('/connexion?erreur=oidc-inconnu');
    expect(await userCount()).toBe(usersBefore);
    expect(
      await db('users')
        .whereRaw('lower(email) = ?', ['jeanne.inconnue@agriculture.gouv.fr'])
        .first(),
    ).toBeUndefined();
    expect((await agent.get('/api/auth/session')).status).toBe(401);
  });

  it('refuses a disabled account the same way', async () => {
    const { agent, end } = await oidcLogin({ login: 'pc-paul' });
    expect(end.status).toBe(302);
    expect(end.headers.location).toBe('/connexion?erreur=oidc-inconnu');
    expect((await agent.get('/api/auth/session')).status).toBe(401);
  });

  it('refuses a callback whose state does not match, and its state cannot be replayed', async () => {
    const { agent, genuine, end } = await oidcLogin({ login: 'pc-marie' }, (callback) =>
      callback.searchParams.set('state', 'forged-state-value-forged-state-value-00'),
    );
    expect(end.status).toBe(302);
    expect(end.headers.location).toBe('/connexion?erreur=oidc');
    expect((await agent.get('/api/auth/session')).status).toBe(401);

    // The authorization request state was used up by the refused attempt.
    const replay = await agent.get(genuine.pathname + genuine.search);
    expect(replay.headers.location).toBe('/connexion?erreur=oidc');
    expect((await agent.get('/api/auth/session')).status).toBe(401);
  });

  it('refuses a login the user cancelled at the provider (access_denied)', async () => {
    const { agent, callback, end } = await oidcLogin('abort');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(end.headers.location).toBe('/connexion?erreur=oidc');
    expect((await agent.get('/api/auth/session')).status).toBe(401);
  });

  it('refuses a callback that no login started', async () => {
    const agent = request.agent(app.url);
    const forged = await agent.get(`${callbackPath}?code=forged&state=forged`);
    expect(forged.status).toBe(302);
    expect(forged.headers.location).toBe('/connexion?erreur=oidc');
    const denied = await agent.get(`${callbackPath}?error=access_denied`);
    expect(denied.headers.location).toBe('/connexion?erreur=oidc');
    expect((await agent.get('/api/auth/session')).status).toBe(401);
  });

  it('logs the refusals without personal data', async () => {
    logLines.length = 0;
    const unknown = await oidcLogin({ login: 'pc-inconnu' });
    const forged = await oidcLogin({ login: 'pc-marie' }, (callback) =>
      callback.searchParams.set('state', 'forged-state-value-forged-state-value-00'),
    );
    const known = await oidcLogin({ login: 'pc-marie' });
    expect(known.end.headers.location).toBe('/');

    const entries = logLines.map(
      (line) => JSON.parse(line) as { level: number; msg: string; reason?: { detail?: string } },
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'OpenID Connect login refused: no active account for this e-mail',
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'OpenID Connect callback refused',
        reason: expect.objectContaining({ detail: expect.stringContaining('"state"') }),
      }),
    );
    const text = logLines.join('\n');
    for (const personal of ['marie', 'durand', 'jeanne', 'inconnue', 'pc-inconnu', 'pc-marie']) {
      expect(text.toLowerCase()).not.toContain(personal);
    }
    for (const { callback, genuine } of [unknown, forged, known]) {
      expect(text).not.toContain(callback.searchParams.get('code'));
      expect(text).not.toContain(genuine.searchParams.get('state'));
    }
  });
});

describe('without OpenID Connect configuration', () => {
  it('has no OIDC routes: the API answers its 404', async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    expect(config.oidc).toBeNull();
    const bare = await createApp({ db, config, logger: createLogger('silent') });
    for (const path of ['/api/auth/oidc/login', callbackPath]) {
      const res = await request(bare).get(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'NotFound', message: expect.any(String), issues: [] });
    }
  });
});
