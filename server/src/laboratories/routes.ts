import type { Db } from '@maestro/database';
import type { HandlersOf } from '../http/router';
import { createLaboratoryRepository } from './repository';

export const laboratoryHandlers = (db: Db): HandlersOf<'findLaboratories'> => {
  const laboratories = createLaboratoryRepository(db);
  return { findLaboratories: async () => laboratories.findAll() };
};
