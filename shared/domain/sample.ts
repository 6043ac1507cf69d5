import { isProgrammeContext } from '../referential/contexts';
import { type RegionCode, RegionShortCodes } from '../referential/geo';
import type { SampleContent, SampleItem, SampleStatus, SampleStep } from '../schema/sample/sample';
import { MAX_COPIES, SampleStepList } from '../schema/sample/sample';
import type { AuthUser } from '../schema/user/user';
import { hasPermission, isInScope } from './permissions';

/** A missing or inconsistent field, named by its path in the record and the step it sits in. */
export interface SampleProblem {
  step: SampleStep;
  path: string;
  message: string;
}

/**
 * Everything that keeps a record from being submitted, step by step. `now` is the moment of
 * the check: the sampling cannot be after it (nor, therefore, after the sending).
 */
export function sampleProblems(sample: SampleContent, now: Date): SampleProblem[] {
  const problems: SampleProblem[] = [];
  const add = (step: SampleStep, path: string, message: string) =>
    problems.push({ step, path, message });

  // Context
  if (sample.context === null) add('Context', 'context', 'Choisissez le contexte du prélèvement.');
  const programmed = sample.context !== null && isProgrammeContext(sample.context);
  if (programmed && sample.programmingPlanId === null)
    add('Context', 'programmingPlanId', 'Choisissez le plan de programmation.');
  if (sample.context !== null && !programmed && !sample.outOfProgrammeReason)
    add('Context', 'outOfProgrammeReason', 'Indiquez le motif du prélèvement hors programme.');
  if (sample.legalContext === null)
    add('Context', 'legalContext', 'Choisissez le cadre juridique.');
  if (sample.company === null && !sample.parcel)
    add('Context', 'company', 'Indiquez l’entreprise ou la parcelle prélevée.');
  if (sample.geolocation === null)
    add('Context', 'geolocation', 'Indiquez la géolocalisation du lieu de prélèvement.');
  if (sample.departmentCode === null)
    add('Context', 'departmentCode', 'Choisissez le département du prélèvement.');

  // Matrix
  if (programmed && sample.prescriptionId === null)
    add(
      'Matrix',
      'prescriptionId',
      'Aucune ligne de programmation ne correspond à ce prélèvement.',
    );
  if (sample.matrixKindCode === null)
    add('Matrix', 'matrixKindCode', 'Choisissez la catégorie de matrice.');
  if (sample.matrixCode === null && !(sample.matrixFreeText && !programmed))
    add('Matrix', 'matrixCode', 'Choisissez la matrice.');
  if (sample.stage === null) add('Matrix', 'stage', 'Choisissez le stade de prélèvement.');
  if (sample.partSampled === null)
    add('Matrix', 'partSampled', 'Choisissez la partie du végétal prélevée.');
  if (sample.substances.length === 0)
    add('Matrix', 'substances', 'Aucune substance à analyser n’est indiquée.');

  // Items
  if (sample.sampledAt === null) {
    add('Items', 'sampledAt', 'Indiquez la date et l’heure du prélèvement.');
  } else if (new Date(sample.sampledAt).getTime() > now.getTime()) {
    add('Items', 'sampledAt', 'La date du prélèvement ne peut pas être dans le futur.');
  }
  if (sample.laboratoryId === null)
    add('Items', 'laboratoryId', 'Choisissez le laboratoire destinataire de l’exemplaire 1.');
  if (sample.items.length === 0) add('Items', 'items', 'Ajoutez au moins un échantillon.');
  const seals = new Map<string, string>();
  sample.items.forEach((item, i) => {
    if (item.itemNumber !== i + 1)
      add(
        'Items',
        `items.${i}.itemNumber`,
        `Les échantillons doivent être numérotés dans l’ordre.`,
      );
    const letter = itemLetter(i + 1);
    const keptBy = new Set<string>();
    item.copies.forEach((copy, j) => {
      const at = `items.${i}.copies.${j}`;
      const name = `exemplaire ${letter}-${j + 1}`;
      if (copy.copyNumber !== j + 1)
        add(
          'Items',
          `${at}.copyNumber`,
          `Les exemplaires de l’échantillon ${letter} doivent être numérotés dans l’ordre.`,
        );
      if (copy.quantity === null)
        add('Items', `${at}.quantity`, `Indiquez la quantité de l’${name}.`);
      if (copy.unit === null) add('Items', `${at}.unit`, `Indiquez l’unité de l’${name}.`);
      if (!copy.sealNumber) {
        add('Items', `${at}.sealNumber`, `Indiquez le numéro de scellé de l’${name}.`);
      } else {
        const previous = seals.get(copy.sealNumber);
        if (previous)
          add(
            'Items',
            `${at}.sealNumber`,
            `Le scellé ${copy.sealNumber} est déjà utilisé par l’${previous}.`,
          );
        else seals.set(copy.sealNumber, name);
      }
      if (copy.compliant200263 === null)
        add(
          'Items',
          `${at}.compliant200263`,
          `Indiquez si l’${name} respecte la directive 2002/63/CE.`,
        );
      if (j === 0 && copy.recipient !== 'Laboratory')
        add('Items', `${at}.recipient`, `L’exemplaire 1 est destiné au laboratoire.`);
      if (j > 0) {
        if (copy.recipient !== 'Sampler' && copy.recipient !== 'Owner') {
          add(
            'Items',
            `${at}.recipient`,
            `L’${name} est conservé par le préleveur ou par le détenteur.`,
          );
        } else if (keptBy.has(copy.recipient)) {
          add(
            'Items',
            `${at}.recipient`,
            `Le préleveur et le détenteur conservent un exemplaire chacun.`,
          );
        } else keptBy.add(copy.recipient);
      }
    });
    if (item.copies.length > MAX_COPIES)
      add('Items', `items.${i}.copies`, `Au plus ${MAX_COPIES} exemplaires par échantillon.`);
  });

  // Summary
  if (sample.ownerConsent === null)
    add('Summary', 'ownerConsent', 'Indiquez si le détenteur accepte le procès-verbal.');
  return problems;
}

/** The problems of one step, for the "Suivant" button of that step. */
export const stepProblems = (sample: SampleContent, step: SampleStep, now: Date) =>
  sampleProblems(sample, now).filter((problem) => problem.step === step);

/** "À compléter" or "Prêt" in the drafts list. */
export const isSampleComplete = (sample: SampleContent, now: Date) =>
  sampleProblems(sample, now).length === 0;

/** The first step that still has a problem, or the summary when none has. */
export function firstIncompleteStep(sample: SampleContent, now: Date): SampleStep {
  const problems = sampleProblems(sample, now);
  return SampleStepList.find((step) => problems.some((p) => p.step === step)) ?? 'Summary';
}

// ————— Lifecycle —————

export type SampleAction = 'edit' | 'submit' | 'send' | 'delete';

export type SampleDecision =
  | { allowed: true; next: SampleStatus }
  | { allowed: false; reason: string };

/**
 * What an action does to a sample of a given status. Drafts are edited, submitted or deleted;
 * a submitted sample may still be edited (it goes back to draft) or sent; nothing sent may be
 * edited or deleted here — the analysis moves it on.
 */
export function decideSampleAction(status: SampleStatus, action: SampleAction): SampleDecision {
  switch (action) {
    case 'edit':
      return status === 'Draft' || status === 'Submitted'
        ? { allowed: true, next: 'Draft' }
        : {
            allowed: false,
            reason: 'Un prélèvement transmis au laboratoire ne peut plus être modifié.',
          };
    case 'submit':
      return status === 'Draft'
        ? { allowed: true, next: 'Submitted' }
        : { allowed: false, reason: 'Seul un brouillon peut être finalisé.' };
    case 'send':
      return status === 'Submitted'
        ? { allowed: true, next: 'Sent' }
        : status === 'Draft'
          ? { allowed: false, reason: 'Finalisez le prélèvement avant de l’envoyer.' }
          : { allowed: false, reason: 'Ce prélèvement a déjà été transmis au laboratoire.' };
    case 'delete':
      return status === 'Draft' || status === 'Submitted'
        ? { allowed: true, next: status }
        : {
            allowed: false,
            reason: 'Un prélèvement transmis au laboratoire ne peut pas être supprimé.',
          };
  }
}

/** The analysed item states the overall status derives from (the analysis issue moves them). */
export type ItemAnalysisStatus = 'Sent' | 'NotAdmissible' | 'Analysis' | 'InReview' | 'Completed';

const progressOrder: ItemAnalysisStatus[] = ['Sent', 'Analysis', 'InReview', 'Completed'];

/**
 * The status of a sent sample from its analysed items: the least advanced item wins;
 * not-admissible items are ignored unless every item is; `Completed` also needs the sample's
 * compliance decided.
 */
export function deriveSampleStatus(
  items: ItemAnalysisStatus[],
  complianceDecided: boolean,
): SampleStatus {
  if (items.length === 0) return 'Sent';
  const admissible = items.filter((status) => status !== 'NotAdmissible');
  if (admissible.length === 0) return 'NotAdmissible';
  const least = admissible.reduce((a, b) =>
    progressOrder.indexOf(a) <= progressOrder.indexOf(b) ? a : b,
  );
  if (least === 'Completed' && !complianceDecided) return 'InReview';
  return least;
}

// ————— Scope —————

type SampleUser = Pick<AuthUser, 'id' | 'role' | 'regionCode' | 'departmentCode' | 'laboratoryId'>;
interface SampleScope {
  regionCode: string;
  departmentCode: string | null;
  laboratoryId: string | null;
  status: SampleStatus;
}

/**
 * Whether a user may see a sample: national roles all; regional roles their region; departmental
 * roles and samplers their department; a laboratory the samples sent to it (never drafts), and
 * those it holds an analysis of (`analysisLaboratoryIds`: a counter-analysis's laboratory).
 */
export function canReadSample(
  user: SampleUser,
  sample: SampleScope,
  analysisLaboratoryIds: readonly string[] = [],
): boolean {
  if (!hasPermission(user, 'sample.read')) return false;
  if (
    user.role === 'LaboratoryUser' &&
    (sample.status === 'Draft' || sample.status === 'Submitted')
  )
    return false;
  if (
    user.role === 'LaboratoryUser' &&
    user.laboratoryId != null &&
    analysisLaboratoryIds.includes(user.laboratoryId)
  )
    return true;
  return isInScope(user, sample);
}

/** Whether a user may create, edit, submit, send or delete samples in that department. */
export function canWriteSample(
  user: SampleUser,
  sample: { departmentCode: string | null; regionCode?: string | null },
): boolean {
  return (
    hasPermission(user, 'sample.update') &&
    sample.departmentCode !== null &&
    isInScope(user, { departmentCode: sample.departmentCode, regionCode: sample.regionCode })
  );
}

// ————— References —————

/** `A` for the first item, `B` for the second… */
export const itemLetter = (itemNumber: number): string =>
  String.fromCharCode('A'.charCodeAt(0) + itemNumber - 1);

/** `<region short code>-<yy>-<serial on 5 digits>`, e.g. `ARA-26-00042`. */
export function formatSampleReference(regionCode: string, year: number, serial: number): string {
  const short = RegionShortCodes[regionCode as RegionCode];
  if (!short) throw new Error(`Unknown region ${regionCode}`);
  if (!Number.isInteger(serial) || serial < 1) throw new Error(`Invalid serial ${serial}`);
  return `${short}-${String(year % 100).padStart(2, '0')}-${String(serial).padStart(5, '0')}`;
}

const referencePattern = /^([A-Z]{3})-(\d{2})-(\d{5,})$/;

export function parseSampleReference(
  reference: string,
): { shortCode: string; yy: number; serial: number } | null {
  const match = referencePattern.exec(reference);
  if (!match) return null;
  return { shortCode: match[1] as string, yy: Number(match[2]), serial: Number(match[3]) };
}

/** `<reference>-<item letter>-<copy>`, e.g. `ARA-26-00042-A-1`. */
export const copyReference = (reference: string, itemNumber: number, copyNumber: number) =>
  `${reference}-${itemLetter(itemNumber)}-${copyNumber}`;

/** An empty record, as the agent starts it. */
export function emptySampleContent(defaults: Partial<SampleContent> = {}): SampleContent {
  return {
    step: 'Context',
    programmingPlanId: null,
    context: null,
    outOfProgrammeReason: null,
    legalContext: null,
    company: null,
    parcel: null,
    geolocation: null,
    departmentCode: null,
    secondSamplerName: null,
    inspectionId: null,
    contextNotes: null,
    prescriptionId: null,
    matrixKindCode: null,
    matrixCode: null,
    matrixFreeText: null,
    stage: null,
    partSampled: null,
    cultureKind: null,
    matrixNotes: null,
    substances: [],
    sampledAt: null,
    laboratoryId: null,
    items: [],
    ownerConsent: null,
    ownerStatement: null,
    ownerName: null,
    ownerEmail: null,
    ...defaults,
  };
}

/** A new item with its three copies: the laboratory's, the sampler's and the owner's. */
export function newSampleItem(itemNumber: number): SampleItem {
  return {
    itemNumber,
    copies: [
      { copyNumber: 1, recipient: 'Laboratory' as const },
      { copyNumber: 2, recipient: 'Sampler' as const },
      { copyNumber: 3, recipient: 'Owner' as const },
    ].map((copy) => ({
      ...copy,
      quantity: null,
      unit: null,
      sealNumber: null,
      compliant200263: null,
    })),
  };
}

interface PrescriptionLike {
  id: string;
  planId: string;
  context: string;
  matrixKindCode: string;
  stages: readonly string[];
}

/**
 * The prescription a sample counts against: same plan, context and matrix kind, and a stage the
 * line covers (a line without the stage does not match). Prescriptions are programmed per matrix
 * kind, so the kind is the most precise key there is.
 */
export function matchPrescription<P extends PrescriptionLike>(
  prescriptions: readonly P[],
  sample: Pick<SampleContent, 'programmingPlanId' | 'context' | 'matrixKindCode' | 'stage'>,
): P | null {
  if (!sample.programmingPlanId || !sample.context || !sample.matrixKindCode) return null;
  const candidates = prescriptions.filter(
    (p) =>
      p.planId === sample.programmingPlanId &&
      p.context === sample.context &&
      p.matrixKindCode === sample.matrixKindCode,
  );
  if (sample.stage) {
    const withStage = candidates.find((p) => p.stages.includes(sample.stage as string));
    if (withStage) return withStage;
  }
  return candidates.length === 1 && !sample.stage ? (candidates[0] as P) : null;
}
