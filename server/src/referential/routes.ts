import type { HandlersOf } from '../http/router';
import type { ReferentialService } from './service';

/** The MRL table as administrators manage it. */
export const referentialHandlers = (
  referential: ReferentialService,
): HandlersOf<'findMrlTable' | 'createMrl' | 'updateMrl'> => ({
  findMrlTable: ({ query }) => referential.findMrls(query),
  createMrl: ({ body }) => referential.createMrl(body),
  updateMrl: ({ params, body }) => referential.updateMrl(params, body),
});
