import { paginated } from '../schema/common/common';
import {
  FindMrlTableQuery,
  MrlKey,
  MrlRow,
  MrlToCreate,
  MrlToUpdate,
} from '../schema/referential/mrl';
import { route } from './route';

const REFERENTIALS = 'Référentiels';

/**
 * The MRL table as administrators manage it. (`/api/mrls`, for the laboratory's form, is in
 * `analyses.ts`.)
 */
export const referentialRoutes = {
  findMrlTable: route({
    method: 'get',
    path: '/api/referential/mrls',
    summary:
      'La table des LMR (substance × matrice, mg/kg) paginée, filtrée par matrice, substance ou recherche dans le nom de la substance.',
    tag: REFERENTIALS,
    access: { kind: 'permission', permission: 'referential.read' },
    query: FindMrlTableQuery,
    response: paginated(MrlRow),
  }),
  createMrl: route({
    method: 'post',
    path: '/api/referential/mrls',
    summary:
      'Ajout d’une LMR absente de la table (sinon la LMR par défaut de 0,01 mg/kg s’applique).',
    tag: REFERENTIALS,
    access: { kind: 'permission', permission: 'referential.manage' },
    body: MrlToCreate,
    response: MrlRow,
    status: 201,
    errors: [409],
  }),
  updateMrl: route({
    method: 'put',
    path: '/api/referential/mrls/:substanceCode/:matrixCode',
    summary:
      'Correction d’une LMR (valeur et source) avec la version lue ; les analyses déjà jugées gardent leur verdict et signalent « LMR modifiée ».',
    tag: REFERENTIALS,
    access: { kind: 'permission', permission: 'referential.manage' },
    params: MrlKey,
    body: MrlToUpdate,
    response: MrlRow,
    errors: [404, 409],
  }),
} as const;
