import { hasPermission } from '@maestro/shared/domain';
import { type AuthUser, type CompanySearchQuery, PlanKindLabels } from '@maestro/shared/schema';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiClientError, api } from '../../api/client';
import { withOfflineCopy } from '../../samples/offline';

export const sampleRecordKey = ['sample-record'] as const;

/** No answer from the API (network cut, gateway down): the copy kept in the browser will do. */
export const isOfflineError = (error: unknown): boolean =>
  error instanceof ApiClientError &&
  (error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504);

/** The plans samples may be taken on: the validated ones (campaign open), kept for offline use. */
export const validatedPlansQuery = (userId: string) =>
  queryOptions({
    queryKey: [...sampleRecordKey, 'validated-plans', userId],
    queryFn: () =>
      withOfflineCopy(
        userId,
        'validatedPlans',
        () => api.findProgrammingPlans({ query: { status: 'Validated' } }),
        isOfflineError,
      ),
    staleTime: 5 * 60_000,
  });

/** A plan's prescriptions in the user's scope, kept for offline use. */
export const planPrescriptionsQuery = (userId: string, planId: string) =>
  queryOptions({
    queryKey: [...sampleRecordKey, 'prescriptions', userId, planId],
    queryFn: () =>
      withOfflineCopy(
        userId,
        `prescriptions:${planId}`,
        () => api.findPrescriptions({ params: { planId } }),
        isOfflineError,
      ),
    staleTime: 5 * 60_000,
  });

/** The server's copy of a sample (when it is not in this browser yet, or to refresh it). */
export const serverSampleQuery = (sampleId: string) =>
  queryOptions({
    queryKey: [...sampleRecordKey, sampleId],
    queryFn: () => api.getSample({ params: { sampleId } }),
    staleTime: 0,
    retry: false,
  });

export const sampleAttachmentsQuery = (sampleId: string) =>
  queryOptions({
    queryKey: [...sampleRecordKey, sampleId, 'attachments'],
    queryFn: () => api.findSampleAttachments({ params: { sampleId } }),
    staleTime: 0,
  });

export const sampleDeliveriesQuery = (sampleId: string) =>
  queryOptions({
    queryKey: [...sampleRecordKey, sampleId, 'deliveries'],
    queryFn: () => api.findSampleDeliveries({ params: { sampleId } }),
    staleTime: 0,
  });

export const sampleHistoryQuery = (sampleId: string) =>
  queryOptions({
    queryKey: [...sampleRecordKey, sampleId, 'history'],
    queryFn: () => api.getSampleHistory({ params: { sampleId } }),
    staleTime: 0,
  });

export const companySearchQuery = (query: CompanySearchQuery) =>
  queryOptions({
    queryKey: ['companies', query],
    queryFn: () => api.searchCompanies({ query }),
    staleTime: 5 * 60_000,
    retry: false,
  });

/** The name of a sample's plan: from the open campaigns, else asked to the server. */
export function usePlanName(user: AuthUser, planId: string | null): string | null {
  const mayRead = hasPermission(user, 'programmingPlan.read');
  const plans = useQuery({ ...validatedPlansQuery(user.id), enabled: mayRead && planId !== null });
  const open = plans.data?.find((plan) => plan.id === planId);
  const other = useQuery({
    queryKey: ['programming', 'plan', planId ?? ''],
    queryFn: () => api.getProgrammingPlan({ params: { planId: planId ?? '' } }),
    enabled:
      planId !== null && !open && plans.isFetched && hasPermission(user, 'programmingPlan.read'),
    staleTime: 5 * 60_000,
    retry: false,
  });
  const plan = open ?? other.data;
  return plan ? `${PlanKindLabels[plan.kind]} ${plan.year}` : null;
}
