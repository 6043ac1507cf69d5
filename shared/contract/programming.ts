import { z } from 'zod';
import { Id, Version } from '../schema/common/common';
import { FindNotificationsQuery, Notification } from '../schema/notification/notification';
import {
  PlanKind,
  PlanStatus,
  PlanTransitionInput,
  ProgrammingPlan,
  ProgrammingPlanToCreate,
  Year,
} from '../schema/programming/plan';
import {
  CommentToCreate,
  DepartmentalPrescription,
  DepartmentalSplitToSave,
  Prescription,
  PrescriptionComment,
  PrescriptionToSave,
  PrescriptionToUpdate,
  ProgrammedContext,
  RegionalColumnToSave,
  RegionalPrescription,
} from '../schema/programming/prescription';
import { route } from './route';

const PlanParams = z.object({ planId: Id });
const PrescriptionParams = z.object({ prescriptionId: Id });
const RegionCodeParam = z.string().regex(/^\d{2}$/, { message: 'Code région invalide.' });

export const FindProgrammingPlansQuery = z.object({
  year: Year.optional(),
  kind: PlanKind.optional(),
  status: PlanStatus.optional(),
});
export type FindProgrammingPlansQuery = z.infer<typeof FindProgrammingPlansQuery>;

export const FindPrescriptionsQuery = z.object({
  context: ProgrammedContext.optional(),
  matrixKindCode: z.string().max(40).optional(),
  regionCode: RegionCodeParam.optional(),
});
export type FindPrescriptionsQuery = z.infer<typeof FindPrescriptionsQuery>;

export const ExportFormat = z.enum(['csv', 'xlsx']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** An export answers the same prescriptions as the screen: same filters, plus the file format. */
export const ExportPrescriptionsQuery = FindPrescriptionsQuery.extend({ format: ExportFormat });
export type ExportPrescriptionsQuery = z.infer<typeof ExportPrescriptionsQuery>;

export const ExportContentTypes = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const satisfies Record<ExportFormat, string>;

export const programmingRoutes = {
  findProgrammingPlans: route({
    method: 'get',
    path: '/api/programming-plans',
    summary: 'Les plans de programmation visibles par l’utilisateur.',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.read' },
    query: FindProgrammingPlansQuery,
    response: z.array(ProgrammingPlan),
  }),
  getProgrammingPlan: route({
    method: 'get',
    path: '/api/programming-plans/:planId',
    summary: 'Un plan de programmation.',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.read' },
    params: PlanParams,
    response: ProgrammingPlan,
    errors: [404],
  }),
  createProgrammingPlan: route({
    method: 'post',
    path: '/api/programming-plans',
    summary: 'Création du plan d’une année, vide ou copié d’un plan existant.',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.manage' },
    body: ProgrammingPlanToCreate,
    response: ProgrammingPlan,
    status: 201,
    errors: [404, 409],
  }),
  transitionProgrammingPlan: route({
    method: 'post',
    path: '/api/programming-plans/:planId/transitions',
    summary: 'Changement d’état du plan (envoi aux régions, approbation, validation, clôture).',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.read' },
    params: PlanParams,
    body: PlanTransitionInput,
    response: ProgrammingPlan,
    errors: [404, 409],
  }),
  findPrescriptions: route({
    method: 'get',
    path: '/api/programming-plans/:planId/prescriptions',
    summary:
      'Les prescriptions d’un plan avec leur répartition, dans le périmètre de l’utilisateur.',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.read' },
    params: PlanParams,
    query: FindPrescriptionsQuery,
    response: z.array(Prescription),
    errors: [404],
  }),
  exportPrescriptions: route({
    method: 'get',
    path: '/api/programming-plans/:planId/export',
    summary:
      'Export CSV ou XLSX des prescriptions et de leur répartition, filtré comme à l’écran et limité au périmètre de l’utilisateur.',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.read' },
    params: PlanParams,
    query: ExportPrescriptionsQuery,
    response: z.null(),
    produces: 'file',
    fileTypes: [ExportContentTypes.csv, ExportContentTypes.xlsx],
    errors: [404],
  }),
  createPrescription: route({
    method: 'post',
    path: '/api/programming-plans/:planId/prescriptions',
    summary: 'Ajout d’une prescription au plan.',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.manage' },
    params: PlanParams,
    body: PrescriptionToSave,
    response: Prescription,
    status: 201,
    errors: [404, 409],
  }),
  updatePrescription: route({
    method: 'put',
    path: '/api/prescriptions/:prescriptionId',
    summary: 'Modification d’une prescription.',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.manage' },
    params: PrescriptionParams,
    body: PrescriptionToUpdate,
    response: Prescription,
    errors: [404, 409],
  }),
  deletePrescription: route({
    method: 'delete',
    path: '/api/prescriptions/:prescriptionId',
    summary: 'Suppression d’une prescription d’un plan en cours.',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.manage' },
    params: PrescriptionParams,
    /** The version read before deleting: a prescription changed meanwhile is not deleted (409). */
    query: z.object({ version: Version }),
    response: z.null(),
    status: 204,
    errors: [404, 409],
  }),
  saveRegionalColumn: route({
    method: 'put',
    path: '/api/programming-plans/:planId/regions/:regionCode',
    summary: 'Répartition nationale : la colonne d’une région (effectifs et laboratoires).',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.manage' },
    params: z.object({ planId: Id, regionCode: RegionCodeParam }),
    body: RegionalColumnToSave,
    response: z.array(RegionalPrescription),
    errors: [404, 409],
  }),
  saveDepartmentalSplit: route({
    method: 'put',
    path: '/api/programming-plans/:planId/regions/:regionCode/departments',
    summary: 'Répartition régionale entre les départements, et laboratoires délégués.',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.distributeToDepartments' },
    params: z.object({ planId: Id, regionCode: RegionCodeParam }),
    body: DepartmentalSplitToSave,
    response: z.object({
      regions: z.array(RegionalPrescription),
      departments: z.array(DepartmentalPrescription),
    }),
    errors: [404, 409],
  }),
  findPrescriptionComments: route({
    method: 'get',
    path: '/api/prescriptions/:prescriptionId/regions/:regionCode/comments',
    summary: 'Le fil de commentaires d’une ligne régionale.',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.read' },
    params: z.object({ prescriptionId: Id, regionCode: RegionCodeParam }),
    response: z.array(PrescriptionComment),
    errors: [404],
  }),
  createPrescriptionComment: route({
    method: 'post',
    path: '/api/prescriptions/:prescriptionId/regions/:regionCode/comments',
    summary: 'Ajout d’un commentaire au fil d’une ligne régionale.',
    tag: 'Programmation',
    access: { kind: 'permission', permission: 'programmingPlan.comment' },
    params: z.object({ prescriptionId: Id, regionCode: RegionCodeParam }),
    body: CommentToCreate,
    response: PrescriptionComment,
    status: 201,
    errors: [404, 409],
  }),
  findNotifications: route({
    method: 'get',
    path: '/api/notifications',
    summary: 'Les notifications de l’utilisateur connecté.',
    tag: 'Notifications',
    access: { kind: 'authenticated' },
    query: FindNotificationsQuery,
    response: z.object({
      items: z.array(Notification),
      total: z.number().int(),
      unread: z.number().int(),
      page: z.number().int(),
      perPage: z.number().int(),
    }),
  }),
  markNotificationRead: route({
    method: 'post',
    path: '/api/notifications/:notificationId/read',
    summary: 'Marque une notification comme lue.',
    tag: 'Notifications',
    access: { kind: 'authenticated' },
    params: z.object({ notificationId: Id }),
    response: Notification,
    errors: [404],
  }),
  markAllNotificationsRead: route({
    method: 'post',
    path: '/api/notifications/read',
    summary: 'Marque toutes les notifications comme lues.',
    tag: 'Notifications',
    access: { kind: 'authenticated' },
    response: z.object({ updated: z.number().int() }),
  }),
} as const;
