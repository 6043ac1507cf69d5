import type { Db } from '@maestro/database';
import type { AuthUser } from '@maestro/shared/schema';
import { LAB_TOKEN_PATTERN } from '@maestro/shared/schema';
import type { Request } from 'express';
import { type ActiveLabToken, createLabTokenRepository } from '../labTokens/repository';
import { hashLabToken } from '../labTokens/service';
import { currentContext, type RequestContext } from './context';
import { UnauthenticatedError } from './errors';

export const INVALID_LAB_TOKEN_MESSAGE = 'Jeton d’API invalide ou révoqué.';

/** The value of `Authorization: Bearer <value>`, or null when the request carries none. */
export function bearerToken(req: Pick<Request, 'headers'>): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer(?:[ \t]+(.*))?$/i.exec(header.trim());
  return match ? (match[1] ?? '').trim() : null;
}

/**
 * The user a laboratory's API token acts as: a laboratory user of that laboratory, whose id is
 * the token's. It exists only for the request: services store null in their `*_by` columns
 * (`actingUserId()`), and the audit trail records the token.
 */
export const labTokenUser = (token: ActiveLabToken): AuthUser => ({
  id: token.id,
  email: `api+${token.prefix.toLowerCase()}@laboratoire.invalid`,
  firstName: 'API',
  lastName: token.name,
  role: 'LaboratoryUser',
  regionCode: null,
  departmentCode: null,
  laboratoryId: token.laboratoryId,
});

export interface LabTokenAuthenticator {
  /**
   * Checks a bearer token (shape, then its hash among the tokens not revoked), records its use
   * (at most once a minute), marks the request as the token's, and answers the user it acts as.
   * 401 when the token is malformed, unknown or revoked.
   */
  authenticate(token: string, req?: Request): Promise<AuthUser>;
}

export function createLabTokenAuthenticator(db: Db): LabTokenAuthenticator {
  const tokens = createLabTokenRepository(db);
  return {
    async authenticate(token, req) {
      if (!LAB_TOKEN_PATTERN.test(token)) throw new UnauthenticatedError(INVALID_LAB_TOKEN_MESSAGE);
      const found = await tokens.findActiveByHash(hashLabToken(token));
      if (!found) throw new UnauthenticatedError(INVALID_LAB_TOKEN_MESSAGE);
      await tokens.touch(found.id);
      const context =
        (req as (Request & { context?: RequestContext }) | undefined)?.context ?? currentContext();
      if (context) {
        context.userId = null;
        context.labTokenId = found.id;
      }
      return labTokenUser(found);
    },
  };
}
