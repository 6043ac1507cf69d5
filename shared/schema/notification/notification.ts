import { z } from 'zod';
import { Id } from '../common/common';

export const NotificationKind = z.enum([
  'PlanSubmittedToRegions',
  'PlanApprovedByRegion',
  'PlanSubmittedToDepartments',
  'PlanValidated',
  'PlanClosed',
  'PrescriptionCommented',
  'SampleNotAdmissible',
  'AnalysisSubmitted',
  'AnalysisCorrected',
  'AnalysisCompleted',
  'SampleNonCompliant',
  'CounterAnalysisRequested',
]);
export type NotificationKind = z.infer<typeof NotificationKind>;
export const NotificationKindList = NotificationKind.options;
export const NotificationKindLabels: Record<NotificationKind, string> = {
  PlanSubmittedToRegions: 'Programmation envoyée aux régions',
  PlanApprovedByRegion: 'Programmation approuvée par une région',
  PlanSubmittedToDepartments: 'Programmation envoyée aux départements',
  PlanValidated: 'Campagne ouverte',
  PlanClosed: 'Campagne clôturée',
  PrescriptionCommented: 'Nouveau commentaire',
  SampleNotAdmissible: 'Échantillon non recevable',
  AnalysisSubmitted: 'Résultats à valider',
  AnalysisCorrected: 'Résultats corrigés',
  AnalysisCompleted: 'Analyse terminée',
  SampleNonCompliant: 'Prélèvement non conforme',
  CounterAnalysisRequested: 'Contre-analyse demandée',
};

export const Notification = z.object({
  id: Id,
  kind: NotificationKind,
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  createdAt: z.coerce.date(),
  readAt: z.coerce.date().nullable(),
});
export type Notification = z.infer<typeof Notification>;

export const FindNotificationsQuery = z.object({
  unreadOnly: z.boolean().default(false),
  page: z.number().int().min(1).default(1),
  perPage: z.number().int().min(1).max(100).default(20),
});
export type FindNotificationsQuery = z.infer<typeof FindNotificationsQuery>;
