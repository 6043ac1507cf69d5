import { checkDatabase, type Db } from '@maestro/database';
import { HttpError } from '../http/errors';
import type { HandlersOf } from '../http/router';

const startedAt = Date.now();

export const healthHandlers = (db: Db, version: string): HandlersOf<'getHealth'> => ({
  getHealth: async () => {
    const database = await checkDatabase(db);
    if (!database.ok) {
      throw new HttpError(503, 'ServiceUnavailable', 'La base de données ne répond pas.');
    }
    return {
      status: 'ok',
      database,
      version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    };
  },
});
