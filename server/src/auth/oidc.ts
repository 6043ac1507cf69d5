import type { Db } from '@maestro/database';
import { type AuthUser, AuthUser as AuthUserSchema } from '@maestro/shared/schema';
import express, { type Request, type Response, type Router } from 'express';
import * as client from 'openid-client';
import { type AuthenticateOptions, Strategy } from 'openid-client/passport';
import type { PassportStatic as Passport } from 'passport';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { UserRepository } from '../users/repository';
import { openSession } from './routes';

export interface OidcDependencies {
  db: Db;
  config: Config;
  passport: Passport;
  users: UserRepository;
  logger: Logger;
}

export const OIDC_LOGIN_PATH = '/api/auth/oidc/login';
export const OIDC_CALLBACK_PATH = '/api/auth/oidc/callback';

/** Where the login page is told why an OpenID Connect login did not open a session. */
export const OIDC_UNKNOWN_ACCOUNT_REDIRECT = '/connexion?erreur=oidc-inconnu';
export const OIDC_FAILURE_REDIRECT = '/connexion?erreur=oidc';

const STRATEGY = 'oidc';
/** Key of `req.session` where the strategy keeps PKCE verifier, state and nonce. */
const SESSION_KEY = 'oidc';

/**
 * Refusals decided by the verify step, told apart from the strategy's own failures (missing
 * state, access_denied) by identity, never by a value an attacker could put in the callback URL.
 */
const unknownAccount = { message: 'no active account for this e-mail' };
const missingEmail = { message: 'no e-mail among the claims' };

/**
 * The openid-client strategy with `state` and `nonce` on every authorization request, on top
 * of PKCE (the base strategy adds `state` only when the provider does not announce PKCE;
 * ProConnect requires both). The strategy keeps them in the session and checks them on return.
 */
class OidcStrategy extends Strategy {
  override authorizationRequestParams<TOptions extends AuthenticateOptions>(
    req: Request,
    options: TOptions,
  ): URLSearchParams {
    const params = new URLSearchParams(super.authorizationRequestParams(req, options));
    params.set('state', client.randomState());
    params.set('nonce', client.randomNonce());
    return params;
  }
}

/**
 * What a log line may say about a failure: the error class, its code and the OAuth error
 * code, plus the message of openid-client's own checks (fixed texts such as `unexpected
 * "state" response parameter value`). Never another message nor a cause, which may carry
 * claims (e-mail), tokens or SQL values.
 */
function describe(error: unknown): Record<string, string> {
  if (!(error instanceof Error)) return { name: typeof error };
  const { code, error: oauthError } = error as Error & { code?: unknown; error?: unknown };
  const safe = pickSafe({ name: error.name, code, oauthError });
  if (error instanceof client.ClientError) {
    // openid-client's generic text wraps oauth4webapi's precise (and as fixed) one.
    const { cause } = error;
    const precise = cause instanceof Error && cause.name === 'OperationProcessingError';
    safe.detail = (precise ? cause.message : error.message).slice(0, 200);
  }
  return safe;
}

/** Keeps the values that look like identifiers (no free text that could carry personal data). */
function pickSafe(values: Record<string, unknown>): Record<string, string> {
  const safe: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string' && /^[\w.-]{1,64}$/.test(value)) safe[key] = value;
  }
  return safe;
}

function redirect(res: Response, location: string) {
  if (res.headersSent) return;
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(302, location);
}

/**
 * OpenID Connect login (ProConnect in production); nothing when it is not configured.
 *
 * - `GET /api/auth/oidc/login` redirects to the provider (authorization code, PKCE, state,
 *   nonce; kept in the session).
 * - `GET /api/auth/oidc/callback` completes the flow, maps the e-mail of the claims to an
 *   existing active account (never creates one), opens the session and redirects to `/`;
 *   otherwise redirects to the login page with `?erreur=oidc-inconnu` or `?erreur=oidc`.
 *
 * Discovery runs at start; when the provider cannot be reached then, the application starts
 * anyway (password login keeps working) and discovery is retried at the next OIDC login.
 */
export async function oidcRouter({
  db,
  config,
  passport,
  users,
  logger,
}: OidcDependencies): Promise<Router> {
  const router = express.Router();
  const oidc = config.oidc;
  if (!oidc) return router;

  const log = logger.child({ module: 'oidc' });
  const callbackURL = `${config.appUrl.replace(/\/+$/, '')}${OIDC_CALLBACK_PATH}`;

  const discover = async () => {
    const configuration = await client.discovery(
      new URL(oidc.issuer),
      oidc.clientId,
      oidc.clientSecret,
      undefined,
      oidc.allowInsecure ? { execute: [client.allowInsecureRequests] } : undefined,
    );
    passport.use(
      STRATEGY,
      new OidcStrategy(
        {
          config: configuration,
          name: STRATEGY,
          sessionKey: SESSION_KEY,
          callbackURL,
          scope: oidc.scopes,
        },
        (tokens, verified) => {
          const findUser = async (): Promise<[AuthUser | false, object?]> => {
            const claims = tokens.claims();
            if (!claims) return [false, missingEmail];
            let email = typeof claims.email === 'string' ? claims.email : undefined;
            // ProConnect gives the e-mail at the userinfo endpoint only.
            if (!email && configuration.serverMetadata().userinfo_endpoint) {
              const userInfo = await client.fetchUserInfo(
                configuration,
                tokens.access_token,
                claims.sub,
              );
              email = typeof userInfo.email === 'string' ? userInfo.email : undefined;
            }
            if (!email?.trim()) return [false, missingEmail];
            const user = await users.findByEmailWithHash(email.trim());
            if (!user || user.disabled) return [false, unknownAccount];
            return [AuthUserSchema.parse(user)];
          };
          findUser().then(
            ([user, info]) => verified(null, user, info),
            (error: unknown) => verified(error),
          );
        },
      ),
    );
  };

  let ready: Promise<void> | null = null;
  const ensureStrategy = () => {
    ready ??= discover().catch((error: unknown) => {
      ready = null;
      throw error;
    });
    return ready;
  };
  try {
    await ensureStrategy();
    log.info('OpenID Connect provider discovered');
  } catch (error) {
    log.error(
      { reason: describe(error) },
      'OpenID Connect discovery failed; retried at the next OIDC login',
    );
  }

  const fail = (res: Response, message: string, reason: Record<string, string>) => {
    log.warn({ reason }, message);
    redirect(res, OIDC_FAILURE_REDIRECT);
  };

  router.get(OIDC_LOGIN_PATH, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    try {
      await ensureStrategy();
    } catch (error) {
      return fail(res, 'OpenID Connect login unavailable: discovery failed', describe(error));
    }
    // Success is the strategy's redirect to the provider; the callback runs only on error.
    passport.authenticate(STRATEGY, (error: unknown) =>
      fail(res, 'OpenID Connect login could not start', describe(error)),
    )(req, res, (error: unknown) =>
      fail(res, 'OpenID Connect login could not start', describe(error)),
    );
  });

  router.get(OIDC_CALLBACK_PATH, async (req, res) => {
    try {
      await ensureStrategy();
    } catch (error) {
      return fail(res, 'OpenID Connect callback refused: discovery failed', describe(error));
    }
    let outcome: { user: AuthUser | false; info: unknown };
    try {
      outcome = await new Promise((resolve, reject) => {
        passport.authenticate(
          STRATEGY,
          (error: unknown, user: AuthUser | false | undefined, info: unknown) => {
            if (error) reject(error);
            else resolve({ user: user ?? false, info });
          },
        )(req, res, reject);
      });
    } catch (error) {
      return fail(res, 'OpenID Connect callback refused', describe(error));
    }

    const { user, info } = outcome;
    if (!user) {
      if (info === unknownAccount) {
        log.warn('OpenID Connect login refused: no active account for this e-mail');
        return redirect(res, OIDC_UNKNOWN_ACCOUNT_REDIRECT);
      }
      if (info === missingEmail) {
        return fail(res, 'OpenID Connect login refused: no e-mail among the claims', {});
      }
      // The strategy's own failures: no authorization request in this session, or the
      // provider answered access_denied.
      const oauthError = (info as { error?: unknown } | undefined)?.error;
      return fail(
        res,
        'OpenID Connect callback refused',
        oauthError === undefined
          ? { name: 'NoAuthorizationRequestState' }
          : pickSafe({ name: 'AuthorizationResponseError', oauthError }),
      );
    }

    try {
      await openSession(db, users, req, user, 'oidc');
    } catch (error) {
      return fail(res, 'OpenID Connect login: the session could not be opened', describe(error));
    }
    log.info({ userId: user.id }, 'OpenID Connect login');
    redirect(res, '/');
  });

  return router;
}
