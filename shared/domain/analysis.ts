import type { AnalysisStatus } from '../schema/analysis/analysis';
import type { AuthUser } from '../schema/user/user';
import { hasPermission, isInScope } from './permissions';

/**
 * The life of an analysis (one analysed copy):
 *   Sent → receive → Analysis → submit → InReview → review → Completed
 *   Sent → reject → NotAdmissible (final)
 * Results are saved (draft) while in Analysis; a submission whose residues are all « non
 * détecté » completes at once as compliant. A correction after submission creates a new version
 * of the results and sends the analysis back to review. A reviewer may re-evaluate the verdict
 * with today's MRL table.
 */
export type AnalysisAction =
  | 'receive'
  | 'reject'
  | 'saveResults'
  | 'submitResults'
  | 'correctResults'
  | 'uploadReport'
  | 'review'
  | 'reevaluate';

export type AnalysisDecision =
  | { allowed: true; next: AnalysisStatus }
  | { allowed: false; reason: string };

const refuse = (reason: string): AnalysisDecision => ({ allowed: false, reason });

export function decideAnalysisAction(
  status: AnalysisStatus,
  action: AnalysisAction,
  options: { allNotDetected?: boolean } = {},
): AnalysisDecision {
  switch (action) {
    case 'receive':
    case 'reject':
      if (status === 'Sent')
        return { allowed: true, next: action === 'receive' ? 'Analysis' : 'NotAdmissible' };
      return refuse('La réception de cet échantillon est déjà enregistrée.');
    case 'saveResults':
      if (status === 'Analysis') return { allowed: true, next: 'Analysis' };
      if (status === 'Sent') return refuse('Enregistrez d’abord la réception de l’échantillon.');
      if (status === 'NotAdmissible') return refuse('Cet échantillon a été déclaré non recevable.');
      return refuse('Les résultats sont transmis : corrigez-les avec un motif (nouvelle version).');
    case 'submitResults':
      if (status === 'Analysis')
        return { allowed: true, next: options.allNotDetected ? 'Completed' : 'InReview' };
      if (status === 'Sent') return refuse('Enregistrez d’abord la réception de l’échantillon.');
      if (status === 'NotAdmissible') return refuse('Cet échantillon a été déclaré non recevable.');
      return refuse('Les résultats de cette analyse sont déjà transmis.');
    case 'correctResults':
      if (status === 'InReview' || status === 'Completed')
        return { allowed: true, next: 'InReview' };
      if (status === 'NotAdmissible') return refuse('Cet échantillon a été déclaré non recevable.');
      return refuse('Seuls des résultats transmis se corrigent par une nouvelle version.');
    case 'uploadReport':
      if (status === 'Analysis' || status === 'InReview' || status === 'Completed')
        return { allowed: true, next: status };
      if (status === 'Sent') return refuse('Enregistrez d’abord la réception de l’échantillon.');
      return refuse('Cet échantillon a été déclaré non recevable.');
    case 'review':
      if (status === 'InReview') return { allowed: true, next: 'Completed' };
      if (status === 'Completed') return refuse('Cette analyse est déjà validée.');
      if (status === 'NotAdmissible') return refuse('Cet échantillon a été déclaré non recevable.');
      return refuse('Les résultats de cette analyse ne sont pas encore transmis.');
    case 'reevaluate':
      if (status === 'InReview' || status === 'Completed') return { allowed: true, next: status };
      if (status === 'NotAdmissible') return refuse('Cet échantillon a été déclaré non recevable.');
      return refuse('Aucun verdict à réévaluer : les résultats ne sont pas transmis.');
  }
}

// ————— Scope —————

type AnalysisUser = Pick<AuthUser, 'role' | 'regionCode' | 'departmentCode' | 'laboratoryId'>;
export interface AnalysisScope {
  laboratoryId: string;
  regionCode: string;
  departmentCode: string | null;
}

/**
 * Who sees an analysis: national roles all; regional roles their region's; departmental roles
 * and samplers their department's; a laboratory the analyses addressed to it.
 */
export function canReadAnalysis(user: AnalysisUser, analysis: AnalysisScope): boolean {
  return hasPermission(user, 'analysis.read') && isInScope(user, analysis);
}

/** The laboratory the analysis is addressed to records reception and results. */
export function canActAsLaboratory(
  user: AnalysisUser,
  analysis: Pick<AnalysisScope, 'laboratoryId'>,
  action: 'receive' | 'results',
): boolean {
  return (
    hasPermission(user, action === 'receive' ? 'analysis.receive' : 'analysis.submitResults') &&
    user.role === 'LaboratoryUser' &&
    user.laboratoryId === analysis.laboratoryId
  );
}

/** The national, regional or departmental coordinator in charge reviews the verdict. */
export function canReviewAnalysis(user: AnalysisUser, analysis: AnalysisScope): boolean {
  return (
    hasPermission(user, 'analysis.review') &&
    user.role !== 'LaboratoryUser' &&
    isInScope(user, analysis)
  );
}

/**
 * Who may read a result import and download its original file: the importing laboratory, and
 * the national roles (the file may hold the samples of several regions, so regional and
 * departmental roles do not).
 */
export function canReadImport(
  user: Pick<AuthUser, 'role' | 'laboratoryId'>,
  importLaboratoryId: string,
): boolean {
  switch (user.role) {
    case 'Administrator':
    case 'NationalCoordinator':
    case 'NationalObserver':
      return true;
    case 'LaboratoryUser':
      return user.laboratoryId !== null && user.laboratoryId === importLaboratoryId;
    default:
      return false;
  }
}
