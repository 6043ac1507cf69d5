import { promisify } from 'node:util';
import { type Db, transaction } from '@maestro/database';
import type { AuthUser } from '@maestro/shared/schema';
import type { Request, Response } from 'express';
import type { PassportStatic as Passport } from 'passport';
import { recordAudit } from '../audit/repository';
import type { Config } from '../config';
import { currentContext } from '../http/context';
import { HttpError, TooManyRequestsError, UnauthenticatedError } from '../http/errors';
import type { HandlersOf } from '../http/router';
import type { UserRepository } from '../users/repository';
import { impersonatorOf } from './impersonation';
import { hitRateLimit, resetRateLimit } from './rateLimit';

function authenticateLocal(
  passport: Passport,
  req: Request,
  res: Response,
): Promise<AuthUser | false> {
  return new Promise((resolve, reject) => {
    passport.authenticate('local', { session: false }, (error: unknown, user: AuthUser | false) => {
      if (error) reject(error);
      else resolve(user);
    })(req, res, reject);
  });
}

/** Opens a session for a user (passport regenerates the session id: no fixation). */
export async function openSession(
  db: Db,
  users: UserRepository,
  req: Request,
  user: AuthUser,
  method: string,
) {
  await promisify(req.login.bind(req))(user);
  const context = currentContext();
  if (context) context.userId = user.id;
  await transaction(db, async () => {
    await users.touchLastLogin(user.id);
    await recordAudit(db, {
      entity: 'user',
      entityId: user.id,
      action: 'login',
      after: { method },
    });
  });
}

export const authHandlers = (
  db: Db,
  config: Config,
  passport: Passport,
  users: UserRepository,
): HandlersOf<'login' | 'logout' | 'getSession' | 'getAuthConfig'> => ({
  getAuthConfig: async () => ({
    oidcEnabled: config.oidc !== null,
    oidcLabel: config.oidc?.label ?? '',
  }),

  login: async ({ body, req, res }) => {
    const key = `login:${body.email}:${req.ip ?? 'unknown'}`;
    const limit = await hitRateLimit(
      db,
      key,
      config.LOGIN_RATE_LIMIT_MAX,
      config.LOGIN_RATE_LIMIT_WINDOW_MINUTES,
    );
    if (!limit.allowed) {
      res.setHeader('Retry-After', String(limit.retryAfterSeconds));
      throw new TooManyRequestsError(limit.retryAfterSeconds);
    }
    req.body = body;
    const user = await authenticateLocal(passport, req, res);
    if (!user) {
      throw new HttpError(
        401,
        'Unauthenticated',
        'Adresse e-mail ou mot de passe incorrect, ou compte désactivé.',
      );
    }
    await openSession(db, users, req, user, 'password');
    await resetRateLimit(db, key);
    return { user, impersonatedBy: null };
  },

  logout: async ({ req, res, user }) => {
    await transaction(db, () =>
      recordAudit(db, { entity: 'user', entityId: user.id, action: 'logout' }),
    );
    await new Promise<void>((resolve, reject) =>
      req.logout((error) => (error ? reject(error) : resolve())),
    );
    await promisify(req.session.destroy.bind(req.session))();
    res.clearCookie('maestro.sid', { path: '/' });
    return null;
  },

  getSession: async ({ user, req }) => {
    if (!user) throw new UnauthenticatedError();
    return { user, impersonatedBy: impersonatorOf(req) };
  },
});
