import type { AuthUser } from '@maestro/shared/schema';
import { AuthUser as AuthUserSchema } from '@maestro/shared/schema';
import type { Request } from 'express';
import type { PassportStatic } from 'passport';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { PreloadedUser } from '../http/sessionStore';
import type { UserRepository } from '../users/repository';
import { verifyPassword } from './password';

declare global {
  namespace Express {
    interface User extends AuthUser {}
  }
}

/**
 * Passport with the local strategy. The session keeps only the user id; each request reloads
 * the user (with the session, in one query), so a disabled account loses its session at its
 * next request.
 */
export function createPassport(users: UserRepository): PassportStatic {
  const passport = new Passport() as unknown as PassportStatic;
  passport.use(
    new LocalStrategy(
      { usernameField: 'email', passwordField: 'password' },
      (email, password, done) => {
        users
          .findByEmailWithHash(email)
          .then(async (user) => {
            const ok = await verifyPassword(user?.passwordHash ?? null, password);
            if (!user || !ok || user.disabled) return done(null, false);
            return done(null, AuthUserSchema.parse(user));
          })
          .catch(done);
      },
    ),
  );
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser(
    (req: Request, id: string, done: (error: unknown, user?: AuthUser | false) => void) => {
      // Read with the session in the same query when the session store could (sessionStore.ts).
      const preloaded = (req as Request & { preloadedUser?: PreloadedUser | null }).preloadedUser;
      if (preloaded?.id === id) {
        done(null, preloaded.disabled ? false : AuthUserSchema.parse(preloaded));
        return;
      }
      users
        .findById(id)
        .then((user) => done(null, user && !user.disabled ? AuthUserSchema.parse(user) : false))
        .catch(done);
    },
  );
  return passport;
}
