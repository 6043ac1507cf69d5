import type { ProgrammingPlan, RealisedCount } from '@maestro/shared/schema';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../api/client';
import { programmingKey } from './queries';

/** The samples taken per prescription, region and department (every state but draft). */
export const realisedQuery = (planId: string) =>
  queryOptions({
    queryKey: [...programmingKey, 'realised', planId],
    queryFn: () => api.findRealisedCounts({ params: { planId } }),
    staleTime: 30_000,
  });

/** Samples are taken once the campaign is open: before, there is nothing to count. */
export const campaignOpened = (plan: Pick<ProgrammingPlan, 'status'>) =>
  plan.status === 'Validated' || plan.status === 'Closed';

/** The realised counts of a plan, summed per prescription, per region and per department. */
export class Realised {
  private readonly prescriptions = new Map<string, number>();
  private readonly regions = new Map<string, number>();
  private readonly departments = new Map<string, number>();

  constructor(counts: readonly RealisedCount[]) {
    const add = (map: Map<string, number>, key: string, count: number) =>
      map.set(key, (map.get(key) ?? 0) + count);
    for (const { prescriptionId, regionCode, departmentCode, count } of counts) {
      add(this.prescriptions, prescriptionId, count);
      add(this.regions, `${prescriptionId}/${regionCode}`, count);
      if (departmentCode) add(this.departments, `${prescriptionId}/${departmentCode}`, count);
    }
  }

  ofPrescription(prescriptionId: string): number {
    return this.prescriptions.get(prescriptionId) ?? 0;
  }

  ofRegion(prescriptionId: string, regionCode: string): number {
    return this.regions.get(`${prescriptionId}/${regionCode}`) ?? 0;
  }

  ofDepartment(prescriptionId: string, departmentCode: string): number {
    return this.departments.get(`${prescriptionId}/${departmentCode}`) ?? 0;
  }
}

/** The realised counts of a plan once its campaign is open; null before (or while loading). */
export function useRealised(plan: Pick<ProgrammingPlan, 'id' | 'status'>): Realised | null {
  const { data } = useQuery({ ...realisedQuery(plan.id), enabled: campaignOpened(plan) });
  return useMemo(() => (data ? new Realised(data) : null), [data]);
}

const number = (value: number) => value.toLocaleString('fr-FR');

/** « 12 / 20 réalisés (8 restants) », or what was taken beyond the programme. */
export function realisedText(realised: number, programmed: number): string {
  const done = `${number(realised)} / ${number(programmed)} ${realised > 1 ? 'réalisés' : 'réalisé'}`;
  if (realised > programmed)
    return `${done} (${number(realised - programmed)} de plus que programmé)`;
  const remaining = programmed - realised;
  return `${done} (${number(remaining)} ${remaining > 1 ? 'restants' : 'restant'})`;
}

/** « 3 réalisés » */
export const realisedShort = (realised: number): string =>
  `${number(realised)} ${realised > 1 ? 'réalisés' : 'réalisé'}`;
