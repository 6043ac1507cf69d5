import { promisify } from 'node:util';
import { type Db, transaction } from '@maestro/database';
import { hasPermission, impersonationRefusal } from '@maestro/shared/domain';
import { type AuthUser, AuthUser as AuthUserSchema } from '@maestro/shared/schema';
import type { Request, RequestHandler } from 'express';
import { recordAudit } from '../audit/repository';
import { currentContext } from '../http/context';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/errors';
import type { HandlersOf } from '../http/router';
import type { UserRepository } from '../users/repository';

declare module 'express-session' {
  interface SessionData {
    /** The administrator acting as the session's user, for support. */
    impersonatorId?: string;
  }
}

type ImpersonatedRequest = Request & { impersonator?: AuthUser };

/** The administrator behind the request's user, when the session is a support session. */
export const impersonatorOf = (req: Request): AuthUser | null =>
  (req as ImpersonatedRequest).impersonator ?? null;

/**
 * Runs after passport's session: in a support session, checks at every request that the
 * administrator still may impersonate (an administrator disabled or demoted in the meantime
 * ends the session at once), and puts them in the request context, so that every audit event
 * written during the session names them (`impersonated_by`).
 */
export function impersonationContext(users: UserRepository): RequestHandler {
  return async (req, _res, next) => {
    const impersonatorId = req.user ? req.session?.impersonatorId : undefined;
    if (!impersonatorId) return next();
    const impersonator = await users.findById(impersonatorId);
    if (
      !impersonator ||
      impersonator.disabled ||
      !hasPermission(impersonator, 'user.impersonate')
    ) {
      await promisify(req.session.destroy.bind(req.session))();
      req.user = undefined;
      const context = currentContext();
      if (context) context.userId = null;
      return next();
    }
    (req as ImpersonatedRequest).impersonator = AuthUserSchema.parse(impersonator);
    const context = currentContext();
    if (context) context.impersonatedBy = impersonator.id;
    next();
  };
}

/** Logs the request's session in as `user` (a new session id: no fixation). */
const logIn = (req: Request, user: AuthUser) => promisify(req.login.bind(req))(user);

export const impersonationHandlers = (
  db: Db,
  users: UserRepository,
): HandlersOf<'startImpersonation' | 'stopImpersonation'> => ({
  startImpersonation: async ({ body, req, user }) => {
    if (req.session.impersonatorId)
      throw new ConflictError(
        'Vous agissez déjà en tant qu’un autre utilisateur : revenez d’abord à votre compte.',
      );
    const target = await users.findById(body.userId);
    if (!target) throw new NotFoundError('Cet utilisateur est introuvable.');
    switch (impersonationRefusal(user, target)) {
      case 'notAllowed':
        throw new ForbiddenError();
      case 'self':
        throw new ConflictError('Vous ne pouvez pas vous connecter en tant que vous-même.');
      case 'disabled':
        throw new ConflictError('Ce compte est désactivé : impossible d’agir en son nom.');
      case 'administrator':
        throw new ForbiddenError(
          'Impossible d’agir en tant qu’un autre administrateur : chaque administrateur agit sous son propre nom.',
        );
      case null:
        break;
    }
    const targetUser = AuthUserSchema.parse(target);
    await transaction(db, () =>
      recordAudit(db, {
        entity: 'user',
        entityId: target.id,
        action: 'impersonation_started',
        after: { administratorId: user.id },
      }),
    );
    await logIn(req, targetUser);
    req.session.impersonatorId = user.id;
    const context = currentContext();
    if (context) {
      context.userId = target.id;
      context.impersonatedBy = user.id;
    }
    return { user: targetUser, impersonatedBy: user };
  },

  stopImpersonation: async ({ req, user }) => {
    const administrator = impersonatorOf(req);
    if (!administrator)
      throw new ConflictError('Aucune assistance en cours : vous agissez déjà sous votre nom.');
    // Recorded while the context still names both: the user acted as, and the administrator.
    await transaction(db, () =>
      recordAudit(db, {
        entity: 'user',
        entityId: user.id,
        action: 'impersonation_stopped',
        after: { administratorId: administrator.id },
      }),
    );
    await logIn(req, administrator);
    const context = currentContext();
    if (context) {
      context.userId = administrator.id;
      context.impersonatedBy = null;
    }
    return { user: administrator, impersonatedBy: null };
  },
});
