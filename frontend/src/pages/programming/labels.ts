import type { BadgeProps } from '@codegouvfr/react-dsfr/Badge';
import { MatrixKinds, Regions } from '@maestro/shared/referential';
import {
  type DistributionKind,
  PlanKindLabels,
  type PlanStatus,
  type Prescription,
  ProgrammedContextLabels,
  type ProgrammingPlan,
  type RegionalPlanStatus,
} from '@maestro/shared/schema';

/** « Résidus de pesticides — production primaire végétale 2031 » */
export const planTitle = (plan: Pick<ProgrammingPlan, 'kind' | 'year'>): string =>
  `${PlanKindLabels[plan.kind]} ${plan.year}`;

export const DistributionKindShortLabels: Record<DistributionKind, string> = {
  REGIONAL: 'Régionale',
  DEPARTMENTAL: 'Départementale',
};

export const PlanStatusSeverity: Record<PlanStatus, BadgeProps['severity']> = {
  InProgress: 'new',
  SubmittedToRegion: 'info',
  ApprovedByRegion: 'warning',
  SubmittedToDepartments: 'warning',
  Validated: 'success',
  Closed: undefined,
};

export const RegionalStatusSeverity: Record<RegionalPlanStatus, BadgeProps['severity']> = {
  Pending: 'new',
  Approved: 'success',
  SubmittedToDepartments: 'success',
};

export const matrixKindLabel = (code: string): string => MatrixKinds[code]?.label ?? code;

export const regionLabel = (code: string): string => Regions[code]?.name ?? `Région ${code}`;

/** How a prescription is named, as the API names it in its messages: « Fruits à pépins — Plan de surveillance ». */
export const prescriptionLabel = (p: Pick<Prescription, 'matrixKindCode' | 'context'>): string =>
  `${matrixKindLabel(p.matrixKindCode)} — ${ProgrammedContextLabels[p.context]}`;

/**
 * The names of the prescriptions of a plan, made unique: two lines of the same matrix kind and
 * context are told apart by a number.
 */
export function prescriptionLabels(prescriptions: readonly Prescription[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const p of prescriptions) {
    const label = prescriptionLabel(p);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const seen = new Map<string, number>();
  const labels = new Map<string, string>();
  for (const p of prescriptions) {
    const label = prescriptionLabel(p);
    if ((counts.get(label) ?? 0) > 1) {
      const index = (seen.get(label) ?? 0) + 1;
      seen.set(label, index);
      labels.set(p.id, `${label} (${index})`);
    } else labels.set(p.id, label);
  }
  return labels;
}

const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short' });
export const formatDateTime = (value: Date): string => dateTime.format(value);

/** « 1 prélèvement », « 12 prélèvements » */
export const countOf = (count: number, singular: string, plural: string): string =>
  `${count.toLocaleString('fr-FR')} ${count > 1 ? plural : singular}`;

/**
 * A wide table's scrolling container, reachable with the keyboard when the table itself holds
 * nothing focusable (a read-only grid), so that it can be scrolled without a mouse.
 */
export const scrollableRegion = (label: string, focusable: boolean) =>
  focusable ? { tabIndex: 0, role: 'region', 'aria-label': label } : {};
