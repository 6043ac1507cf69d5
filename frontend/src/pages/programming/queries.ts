import type { FindPrescriptionsQuery, FindProgrammingPlansQuery } from '@maestro/shared/contract';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';

export const programmingKey = ['programming'] as const;

export const plansQuery = (query: FindProgrammingPlansQuery) =>
  queryOptions({
    queryKey: [...programmingKey, 'plans', query],
    queryFn: () => api.findProgrammingPlans({ query }),
    placeholderData: (previous) => previous,
  });

export const planQuery = (planId: string) =>
  queryOptions({
    queryKey: [...programmingKey, 'plan', planId],
    queryFn: () => api.getProgrammingPlan({ params: { planId } }),
    staleTime: 0,
  });

/** The key of every list of a plan's prescriptions, whatever its filters. */
export const prescriptionsKey = (planId: string) => [...programmingKey, 'prescriptions', planId];

export const prescriptionsQuery = (planId: string, filters: FindPrescriptionsQuery = {}) =>
  queryOptions({
    queryKey: [...prescriptionsKey(planId), filters],
    queryFn: () => api.findPrescriptions({ params: { planId }, query: filters }),
    staleTime: 0,
  });

export const commentsQuery = (prescriptionId: string, regionCode: string) =>
  queryOptions({
    queryKey: [...programmingKey, 'comments', prescriptionId, regionCode],
    queryFn: () => api.findPrescriptionComments({ params: { prescriptionId, regionCode } }),
    staleTime: 0,
  });
