import type { CompanyDirectory } from '../adapters/companies';
import type { HandlersOf } from '../http/router';

export const companyHandlers = (directory: CompanyDirectory): HandlersOf<'searchCompanies'> => ({
  searchCompanies: async ({ query }) => directory.search(query),
});
