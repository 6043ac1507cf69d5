import type { ImportLinesQuery } from '@maestro/shared/schema';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../api/client';

export const analysisImportsKey = ['analysis-imports'] as const;

export const analysisImportQuery = (importId: string) =>
  queryOptions({
    queryKey: [...analysisImportsKey, importId],
    queryFn: () => api.getAnalysisImport({ params: { importId } }),
    // Only a commit changes an import, and the commit's answer replaces it.
    staleTime: 60_000,
  });

export const analysisImportLinesQuery = (importId: string, query: Partial<ImportLinesQuery>) =>
  queryOptions({
    queryKey: [...analysisImportsKey, importId, 'lines', query],
    queryFn: () => api.findAnalysisImportLines({ params: { importId }, query }),
    // While another page or filter loads, keep the rows of the same import (not of another).
    placeholderData: (previous, previousQuery) =>
      previousQuery?.queryKey[1] === importId ? previous : undefined,
  });
