import { type Db, transaction } from '@maestro/database';
import { Departments } from '@maestro/shared/referential';
import type { FindUsersQuery, User, UserToCreate, UserToUpdate } from '@maestro/shared/schema';
import { z } from 'zod';
import { recordAudit } from '../audit/repository';
import { hashPassword } from '../auth/password';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from '../http/errors';
import { revokeUserSessions } from '../http/sessionStore';
import { createUserRepository } from './repository';

function invalid(path: string, message: string): ValidationError {
  return new ValidationError(
    'body',
    new z.ZodError([{ code: 'custom', path: [path], message, input: undefined }]),
  );
}

export function createUserService(db: Db) {
  const users = createUserRepository(db);
  const laboratoryExists = async (id: string) =>
    (await db('laboratories').where({ id }).first('id')) !== undefined;

  /** The region of a departmental user comes from the department, never from the form. */
  async function scopeOf(
    input: Pick<UserToCreate, 'role' | 'regionCode' | 'departmentCode' | 'laboratoryId'>,
  ) {
    if (input.departmentCode) {
      const department = Departments[input.departmentCode];
      if (!department) throw invalid('departmentCode', 'Ce département n’existe pas.');
      return {
        regionCode: department.regionCode,
        departmentCode: department.code,
        laboratoryId: null,
      };
    }
    if (input.laboratoryId && !(await laboratoryExists(input.laboratoryId))) {
      throw invalid('laboratoryId', 'Ce laboratoire n’existe pas.');
    }
    if (input.regionCode) {
      const exists = await db('regions').where({ code: input.regionCode }).first('code');
      if (!exists) throw invalid('regionCode', 'Cette région n’existe pas.');
    }
    return { regionCode: input.regionCode, departmentCode: null, laboratoryId: input.laboratoryId };
  }

  return {
    find: (query: FindUsersQuery) => users.find(query),

    async get(id: string): Promise<User> {
      const user = await users.findById(id);
      if (!user) throw new NotFoundError('Cet utilisateur est introuvable.');
      return user;
    },

    async create(input: UserToCreate): Promise<User> {
      const scope = await scopeOf(input);
      const passwordHash = input.password ? await hashPassword(input.password) : null;
      return transaction(db, async () => {
        if (await users.emailExists(input.email)) {
          throw new ConflictError('Un utilisateur existe déjà avec cette adresse e-mail.', [
            { path: 'body.email', message: 'Adresse déjà utilisée.' },
          ]);
        }
        const user = await users.insert({
          email: input.email,
          firstName: input.firstName,
          lastName: input.lastName,
          role: input.role,
          ...scope,
          disabled: false,
          passwordHash,
        });
        await recordAudit(db, { entity: 'user', entityId: user.id, action: 'create', after: user });
        return user;
      });
    },

    async update(id: string, input: UserToUpdate, actorId: string): Promise<User> {
      const scope = await scopeOf(input);
      const passwordHash = input.password ? await hashPassword(input.password) : undefined;
      return transaction(db, async () => {
        const before = await users.findById(id);
        if (!before) throw new NotFoundError('Cet utilisateur est introuvable.');
        if (id === actorId && (input.disabled || input.role !== before.role)) {
          throw invalid(
            'role',
            'Vous ne pouvez ni désactiver votre propre compte ni changer votre propre rôle.',
          );
        }
        const after = await users.update(id, input.version, {
          firstName: input.firstName,
          lastName: input.lastName,
          role: input.role,
          ...scope,
          disabled: input.disabled,
          ...(passwordHash ? { passwordHash } : {}),
        });
        if (!after) throw new VersionConflictError();
        // A disabled user, or one whose rights changed, starts again from a fresh login.
        const rightsChanged =
          before.role !== after.role ||
          before.regionCode !== after.regionCode ||
          before.departmentCode !== after.departmentCode ||
          before.laboratoryId !== after.laboratoryId;
        if (after.disabled || rightsChanged || passwordHash) await revokeUserSessions(db, id);
        await recordAudit(db, {
          entity: 'user',
          entityId: id,
          action: after.disabled && !before.disabled ? 'disable' : 'update',
          before,
          after,
        });
        return after;
      });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
