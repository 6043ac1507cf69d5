import { createHash, randomBytes } from 'node:crypto';
import { type Db, transaction } from '@maestro/database';
import {
  LAB_TOKEN_PATTERN,
  type LabToken,
  type LabTokenCreated,
  type LabTokenToCreate,
} from '@maestro/shared/schema';
import { recordAudit } from '../audit/repository';
import { actingUserId } from '../http/context';
import { ConflictError, NotFoundError } from '../http/errors';
import { createLabTokenRepository } from './repository';

export const LAB_TOKEN_PREFIX = 'mlab_';
/** Characters of a token kept to recognise it (`mlab_` and 7 more): never enough to use it. */
export const LAB_TOKEN_PREFIX_LENGTH = 12;

/** A new token: `mlab_` then 32 random bytes in base64url (43 characters). */
export function generateLabToken(): string {
  return `${LAB_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored of a token: its SHA-256 in hex (the token carries 256 random bits). */
export const hashLabToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

const laboratoryNotFound = () => new NotFoundError('Ce laboratoire est introuvable.');
const tokenNotFound = () => new NotFoundError('Ce jeton est introuvable.');

/** The laboratories' API tokens, managed by an administrator. */
export function createLabTokenService(db: Db) {
  const tokens = createLabTokenRepository(db);

  return {
    async list(laboratoryId: string): Promise<LabToken[]> {
      if (!(await tokens.laboratoryExists(laboratoryId))) throw laboratoryNotFound();
      return tokens.findByLaboratory(laboratoryId);
    },

    /** Creates a token; its value is answered here once and never stored. */
    async create(laboratoryId: string, input: LabTokenToCreate): Promise<LabTokenCreated> {
      const token = generateLabToken();
      if (!LAB_TOKEN_PATTERN.test(token)) throw new Error('generated token has a bad shape');
      return transaction(db, async () => {
        if (!(await tokens.laboratoryExists(laboratoryId))) throw laboratoryNotFound();
        const id = await tokens.insert({
          laboratoryId,
          name: input.name,
          prefix: token.slice(0, LAB_TOKEN_PREFIX_LENGTH),
          tokenHash: hashLabToken(token),
          createdBy: actingUserId(),
        });
        const created = await tokens.find(laboratoryId, id);
        if (!created) throw new Error('lab token vanished');
        await recordAudit(db, {
          entity: 'labToken',
          entityId: id,
          action: 'create',
          after: created,
        });
        return { ...created, token };
      });
    },

    /** Revokes a token: refused from the next request on. */
    async revoke(laboratoryId: string, id: string): Promise<void> {
      await transaction(db, async () => {
        const row = await tokens.lock(laboratoryId, id);
        if (!row) {
          if (!(await tokens.laboratoryExists(laboratoryId))) throw laboratoryNotFound();
          throw tokenNotFound();
        }
        if (row.revokedAt) throw new ConflictError('Ce jeton est déjà révoqué.');
        const before = await tokens.find(laboratoryId, id);
        await tokens.revoke(id, actingUserId());
        const after = await tokens.find(laboratoryId, id);
        await recordAudit(db, {
          entity: 'labToken',
          entityId: id,
          action: 'revoke',
          before,
          after,
        });
      });
    },
  };
}

export type LabTokenService = ReturnType<typeof createLabTokenService>;
