import { CompanySearchQuery, CompanySearchResult } from '../schema/company/company';
import { route } from './route';

export const companyRoutes = {
  searchCompanies: route({
    method: 'get',
    path: '/api/companies',
    summary: 'Recherche d’entreprises (SIRET, SIREN ou nom) dans l’annuaire public.',
    tag: 'Entreprises',
    access: { kind: 'permission', permission: 'sample.create' },
    query: CompanySearchQuery,
    response: CompanySearchResult,
  }),
} as const;
