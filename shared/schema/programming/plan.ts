import { z } from 'zod';
import { Id, Version } from '../common/common';

export const PlanKind = z.enum(['PPV', 'DAOA_SLAUGHTER', 'DAOA_BREEDING']);
export type PlanKind = z.infer<typeof PlanKind>;
export const PlanKindList = PlanKind.options;
export const PlanKindLabels: Record<PlanKind, string> = {
  PPV: 'Résidus de pesticides — production primaire végétale',
  DAOA_SLAUGHTER: 'Résidus dans les denrées d’origine animale — abattage',
  DAOA_BREEDING: 'Résidus dans les denrées d’origine animale — élevage',
};

export const DistributionKind = z.enum(['REGIONAL', 'DEPARTMENTAL']);
export type DistributionKind = z.infer<typeof DistributionKind>;
export const DistributionKindList = DistributionKind.options;
export const DistributionKindLabels: Record<DistributionKind, string> = {
  REGIONAL: 'Répartition régionale (approuvée par les régions)',
  DEPARTMENTAL: 'Répartition départementale (les régions répartissent entre leurs départements)',
};

export const PlanStatus = z.enum([
  'InProgress',
  'SubmittedToRegion',
  'ApprovedByRegion',
  'SubmittedToDepartments',
  'Validated',
  'Closed',
]);
export type PlanStatus = z.infer<typeof PlanStatus>;
export const PlanStatusList = PlanStatus.options;
export const PlanStatusLabels: Record<PlanStatus, string> = {
  InProgress: 'En cours',
  SubmittedToRegion: 'Envoyée aux régions',
  ApprovedByRegion: 'Approuvée par les régions',
  SubmittedToDepartments: 'Envoyée aux départements',
  Validated: 'Campagne en cours',
  Closed: 'Campagne terminée',
};

/** Where one region stands on a plan submitted to the regions. */
export const RegionalPlanStatus = z.enum(['Pending', 'Approved', 'SubmittedToDepartments']);
export type RegionalPlanStatus = z.infer<typeof RegionalPlanStatus>;
export const RegionalPlanStatusList = RegionalPlanStatus.options;
export const RegionalPlanStatusLabels: Record<RegionalPlanStatus, string> = {
  Pending: 'À traiter par la région',
  Approved: 'Approuvée par la région',
  SubmittedToDepartments: 'Envoyée aux départements',
};

export const PlanAction = z.enum([
  'submitToRegions',
  'approve',
  'submitToDepartments',
  'validate',
  'close',
]);
export type PlanAction = z.infer<typeof PlanAction>;
export const PlanActionList = PlanAction.options;
export const PlanActionLabels: Record<PlanAction, string> = {
  submitToRegions: 'Envoyer aux régions',
  approve: 'Approuver la programmation régionale',
  submitToDepartments: 'Envoyer aux départements',
  validate: 'Valider et ouvrir la campagne',
  close: 'Clôturer la campagne',
};

export const Year = z
  .number()
  .int({ message: 'L’année doit être un nombre entier.' })
  .min(2020, { message: 'L’année doit être 2020 ou après.' })
  .max(2100, { message: 'L’année doit être 2100 ou avant.' });

export const ProgrammingPlan = z.object({
  id: Id,
  year: Year,
  kind: PlanKind,
  distributionKind: DistributionKind,
  status: PlanStatus,
  regionalStatuses: z.array(z.object({ regionCode: z.string(), status: RegionalPlanStatus })),
  version: Version,
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
});
export type ProgrammingPlan = z.infer<typeof ProgrammingPlan>;

export const ProgrammingPlanToCreate = z.object({
  year: Year,
  kind: PlanKind,
  distributionKind: DistributionKind,
  /** Start as a copy of this plan's prescriptions and distribution (e.g. last year's). */
  copyFromPlanId: Id.nullable().optional(),
});
export type ProgrammingPlanToCreate = z.infer<typeof ProgrammingPlanToCreate>;

export const PlanTransitionInput = z.object({ action: PlanAction, version: Version });
export type PlanTransitionInput = z.infer<typeof PlanTransitionInput>;
