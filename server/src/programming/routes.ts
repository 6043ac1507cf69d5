import type { HandlersOf } from '../http/router';
import { sendPrescriptionsExport } from './export';
import type { ProgrammingService } from './service';

export const programmingHandlers = (
  programming: ProgrammingService,
): HandlersOf<
  | 'findProgrammingPlans'
  | 'getProgrammingPlan'
  | 'createProgrammingPlan'
  | 'transitionProgrammingPlan'
  | 'findPrescriptions'
  | 'exportPrescriptions'
  | 'createPrescription'
  | 'updatePrescription'
  | 'deletePrescription'
  | 'saveRegionalColumn'
  | 'saveDepartmentalSplit'
  | 'findPrescriptionComments'
  | 'createPrescriptionComment'
> => ({
  findProgrammingPlans: async ({ user, query }) => programming.findPlans(user, query),
  getProgrammingPlan: async ({ user, params }) => programming.getPlan(user, params.planId),
  createProgrammingPlan: async ({ user, body }) => programming.createPlan(user, body),
  transitionProgrammingPlan: async ({ user, params, body }) =>
    programming.transition(user, params.planId, body),
  findPrescriptions: async ({ user, params, query }) =>
    programming.findPrescriptions(user, params.planId, query),
  exportPrescriptions: async ({ user, params, query, res }) => {
    const { format, ...filters } = query;
    const data = await programming.exportPrescriptions(user, params.planId, filters);
    await sendPrescriptionsExport(res, format, data);
    return null;
  },
  createPrescription: async ({ user, params, body }) =>
    programming.createPrescription(user, params.planId, body),
  updatePrescription: async ({ user, params, body }) =>
    programming.updatePrescription(user, params.prescriptionId, body),
  deletePrescription: async ({ user, params, query }) => {
    await programming.deletePrescription(user, params.prescriptionId, query.version);
    return null;
  },
  saveRegionalColumn: async ({ user, params, body }) =>
    programming.saveRegionalColumn(user, params.planId, params.regionCode, body),
  saveDepartmentalSplit: async ({ user, params, body }) =>
    programming.saveDepartmentalSplit(user, params.planId, params.regionCode, body),
  findPrescriptionComments: async ({ user, params }) =>
    programming.findComments(user, params.prescriptionId, params.regionCode),
  createPrescriptionComment: async ({ user, params, body }) =>
    programming.createComment(user, params.prescriptionId, params.regionCode, body),
});
