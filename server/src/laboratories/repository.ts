import { type Db, executor } from '@maestro/database';
import type { Laboratory } from '@maestro/shared/schema';

export function createLaboratoryRepository(db: Db) {
  return {
    findAll: (): Promise<Laboratory[]> =>
      executor(db)('laboratories').select('*').orderBy('shortName'),
    findById: async (id: string): Promise<Laboratory | null> =>
      ((await executor(db)('laboratories').where({ id }).first()) as Laboratory | undefined) ??
      null,
  };
}
