import type { FindAnalysesQuery } from '@maestro/shared/schema';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';

export const analysesKey = ['analyses'] as const;

/** One page of the analyses list. */
export const analysesQuery = (query: FindAnalysesQuery) =>
  queryOptions({
    queryKey: [...analysesKey, 'list', query],
    queryFn: () => api.findAnalyses({ query }),
    placeholderData: (previous) => previous,
  });

export const analysisQuery = (analysisId: string) =>
  queryOptions({
    queryKey: [...analysesKey, 'detail', analysisId],
    queryFn: () => api.getAnalysis({ params: { analysisId } }),
    staleTime: 0,
  });

export const analysisVersionsQuery = (analysisId: string) =>
  queryOptions({
    queryKey: [...analysesKey, 'versions', analysisId],
    queryFn: () => api.findAnalysisResultVersions({ params: { analysisId } }),
    staleTime: 0,
  });

/** The analyses of one sample, counter-analyses included. */
export const sampleAnalysesQuery = (sampleId: string) =>
  queryOptions({
    queryKey: [...analysesKey, 'sample', sampleId],
    queryFn: () => api.findSampleAnalyses({ params: { sampleId } }),
    staleTime: 0,
  });

/** The MRLs in force for a matrix: they change rarely. */
export const mrlsQuery = (matrixCode: string) =>
  queryOptions({
    queryKey: ['mrls', matrixCode],
    queryFn: () => api.findMrls({ query: { matrixCode } }),
    staleTime: 10 * 60_000,
  });

export type MrlValue = Awaited<ReturnType<typeof api.findMrls>>[number];
