import { type Db, transaction } from '@maestro/database';
import type {
  FindMrlTableQuery,
  MrlKey,
  MrlRow,
  MrlToCreate,
  MrlToUpdate,
} from '@maestro/shared/schema';
import { z } from 'zod';
import { recordAudit } from '../audit/repository';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from '../http/errors';
import { createReferentialRepository } from './repository';

/**
 * The version of a row an administrator adds. The referential load writes version 1 and only
 * ever refreshes rows still at version 1: starting above it keeps an administrator's value
 * from being replaced if a later release ships the same pair.
 */
export const ADMINISTRATOR_MRL_VERSION = 2;

const mrlId = (key: MrlKey) => `${key.substanceCode}|${key.matrixCode}`;

function invalid(issues: { path: string; message: string }[]): ValidationError {
  return new ValidationError(
    'body',
    new z.ZodError(
      issues.map(({ path, message }) => ({
        code: 'custom',
        path: [path],
        message,
        input: undefined,
      })),
    ),
  );
}

/**
 * The MRL table as administrators correct it. A change never touches the analyses: their
 * verdicts keep the MRL they were judged with, and show « LMR modifiée » until re-evaluated.
 */
export function createReferentialService(db: Db) {
  const referential = createReferentialRepository(db);

  return {
    async findMrls(query: FindMrlTableQuery) {
      const { items, total } = await referential.findMrls(query);
      return { items, total, page: query.page, perPage: query.perPage };
    },

    async updateMrl(key: MrlKey, input: MrlToUpdate): Promise<MrlRow> {
      return transaction(db, async () => {
        const before = await referential.findMrl(key, { forUpdate: true });
        if (!before) {
          if (!(await referential.substanceExists(key.substanceCode)))
            throw new NotFoundError('Cette substance n’existe pas dans le référentiel.');
          if (!(await referential.matrixExists(key.matrixCode)))
            throw new NotFoundError('Cette matrice n’existe pas dans le référentiel.');
          throw new NotFoundError(
            'La table ne contient pas de LMR pour cette substance et cette matrice : ajoutez-la.',
          );
        }
        const after = await referential.updateMrl(key, input.version, {
          value: input.value,
          source: input.source,
        });
        if (!after)
          throw new VersionConflictError(
            'Cette LMR a été modifiée entre-temps par quelqu’un d’autre : rechargez-la avant de la corriger.',
          );
        await recordAudit(db, {
          entity: 'mrl',
          entityId: mrlId(key),
          action: 'update',
          before,
          after,
        });
        return after;
      });
    },

    async createMrl(input: MrlToCreate): Promise<MrlRow> {
      return transaction(db, async () => {
        const issues: { path: string; message: string }[] = [];
        if (!(await referential.substanceExists(input.substanceCode)))
          issues.push({
            path: 'substanceCode',
            message: 'Cette substance n’existe pas dans le référentiel.',
          });
        if (!(await referential.matrixExists(input.matrixCode)))
          issues.push({
            path: 'matrixCode',
            message: 'Cette matrice n’existe pas dans le référentiel.',
          });
        if (issues.length > 0) throw invalid(issues);
        const row = await referential.insertMrl({
          substanceCode: input.substanceCode,
          matrixCode: input.matrixCode,
          value: input.value,
          source: input.source,
          version: ADMINISTRATOR_MRL_VERSION,
        });
        if (!row)
          throw new ConflictError(
            'La table contient déjà une LMR pour cette substance et cette matrice : corrigez-la plutôt.',
            [{ path: 'body.substanceCode', message: 'LMR déjà présente pour cette matrice.' }],
          );
        await recordAudit(db, {
          entity: 'mrl',
          entityId: mrlId(row),
          action: 'create',
          after: row,
        });
        return row;
      });
    },
  };
}

export type ReferentialService = ReturnType<typeof createReferentialService>;
