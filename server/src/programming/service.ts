import { type Db, queries, transaction } from '@maestro/database';
import type { FindPrescriptionsQuery, FindProgrammingPlansQuery } from '@maestro/shared/contract';
import {
  canComment,
  canEditNationalProgramming,
  canEditRegionalProgramming,
  canReadPlan,
  decidePlanAction,
  departmentalDistributionProblems,
  isInScope,
  regionalDistributionProblems,
  regionsWithSamples,
} from '@maestro/shared/domain';
import {
  Departments,
  MatrixKinds,
  RegionCodeList,
  Regions,
  Substances,
} from '@maestro/shared/referential';
import {
  type AuthUser,
  type CommentToCreate,
  type DepartmentalSplitToSave,
  PlanKindLabels,
  type PlanTransitionInput,
  type Prescription,
  type PrescriptionComment,
  type PrescriptionToSave,
  type PrescriptionToUpdate,
  ProgrammedContextLabels,
  type ProgrammingPlan,
  type ProgrammingPlanToCreate,
  type RegionalColumnToSave,
  type RegionalPrescription,
} from '@maestro/shared/schema';
import type { Mail } from '../adapters/mail';
import { recordAudit } from '../audit/repository';
import {
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  VersionConflictError,
} from '../http/errors';
import { createLaboratoryRepository } from '../laboratories/repository';
import type { NotificationService } from '../notifications/service';
import type { PrescriptionsExport } from './export';
import {
  createProgrammingRepository,
  type PrescriptionRow,
  type PrescriptionWithLines,
} from './repository';

const planNotFound = () => new NotFoundError('Ce plan de programmation est introuvable.');
const prescriptionNotFound = () => new NotFoundError('Cette prescription est introuvable.');

/** A 400 whose issues name each offending line. */
const invalid = (message: string, issues: { path: string; message: string }[]) =>
  new HttpError(400, 'ValidationError', message, issues);

export const prescriptionLabel = (p: Pick<PrescriptionRow, 'matrixKindCode' | 'context'>) =>
  `${MatrixKinds[p.matrixKindCode]?.label ?? p.matrixKindCode} — ${ProgrammedContextLabels[p.context]}`;

const planTitle = (plan: Pick<ProgrammingPlan, 'kind' | 'year'>) =>
  `${PlanKindLabels[plan.kind]} ${plan.year}`;

/** The part of the distribution a user may see: everything nationally, their region or department otherwise. */
function lineScope(user: AuthUser): { regionCode?: string | null; departmentCode?: string | null } {
  switch (user.role) {
    case 'RegionalCoordinator':
    case 'RegionalObserver':
      return { regionCode: user.regionCode };
    case 'DepartmentalCoordinator':
    case 'DepartmentalObserver':
    case 'Sampler':
      return { regionCode: user.regionCode, departmentCode: user.departmentCode };
    default:
      return {};
  }
}

export function createProgrammingService(db: Db, notifications: NotificationService) {
  const repo = createProgrammingRepository(db);

  /** Runs a change in one transaction, then sends its e-mails once committed. */
  async function change<T>(work: (mails: Mail[]) => Promise<T>): Promise<T> {
    const mails: Mail[] = [];
    const result = await transaction(db, () => work(mails));
    if (mails.length > 0) void notifications.sendAll(mails);
    return result;
  }

  async function visiblePlan(
    user: AuthUser,
    planId: string,
    forUpdate = false,
  ): Promise<ProgrammingPlan> {
    const plan = await repo.findPlan(planId, { forUpdate });
    if (!plan || !canReadPlan(user, plan)) throw planNotFound();
    return plan;
  }

  function toPrescription(p: PrescriptionWithLines): Prescription {
    return p as Prescription;
  }

  async function loadPrescription(user: AuthUser, prescriptionId: string, forUpdate = false) {
    const row = await repo.findPrescriptionRow(prescriptionId, { forUpdate });
    if (!row) throw prescriptionNotFound();
    const plan = await visiblePlan(user, row.planId, forUpdate);
    return { row, plan };
  }

  function requireNationalEdit(user: AuthUser, plan: ProgrammingPlan) {
    if (!canEditNationalProgramming(user, plan)) {
      if (user.role !== 'NationalCoordinator') throw new ForbiddenError();
      throw new ConflictError(
        'Cette programmation a été envoyée aux régions : ses prescriptions et sa répartition nationale ne peuvent plus être modifiées.',
      );
    }
  }

  function checkReferences(input: PrescriptionToSave) {
    const issues: { path: string; message: string }[] = [];
    if (!MatrixKinds[input.matrixKindCode]) {
      issues.push({
        path: 'body.matrixKindCode',
        message: 'Cette catégorie de matrice n’existe pas.',
      });
    }
    input.substances.forEach((s, index) => {
      if (!Substances[s.substanceCode]) {
        issues.push({
          path: `body.substances.${index}.substanceCode`,
          message: 'Cette substance n’existe pas.',
        });
      }
    });
    if (issues.length > 0)
      throw invalid('La prescription contient des références inconnues.', issues);
  }

  /** One issue per line whose laboratory does not exist. */
  async function unknownLaboratoryIssues(lines: { laboratoryId: string | null }[]) {
    const ids = [
      ...new Set(lines.map((l) => l.laboratoryId).filter((id): id is string => id !== null)),
    ];
    const known: string[] = ids.length
      ? await db('laboratories').whereIn('id', ids).pluck('id')
      : [];
    return lines.flatMap((line, index) =>
      line.laboratoryId && !known.includes(line.laboratoryId)
        ? [{ path: `body.lines.${index}.laboratoryId`, message: 'Ce laboratoire n’existe pas.' }]
        : [],
    );
  }

  async function regionalLinesFor(planId: string) {
    const rows = await repo.findPrescriptionRows(planId);
    const lines = await repo.regionalLines(rows.map((r) => r.id));
    return { rows, lines };
  }

  function nationalProblems(
    rows: PrescriptionRow[],
    lines: RegionalPrescription[],
    mode: 'editing' | 'complete',
  ) {
    const byPrescription = new Map<string, RegionalPrescription[]>();
    for (const line of lines) {
      const list = byPrescription.get(line.prescriptionId);
      if (list) list.push(line);
      else byPrescription.set(line.prescriptionId, [line]);
    }
    const problems = regionalDistributionProblems(
      rows.map((row) => ({
        label: prescriptionLabel(row),
        sampleCount: row.sampleCount,
        regions: byPrescription.get(row.id) ?? [],
      })),
      mode,
    );
    if (mode === 'complete') {
      for (const row of rows.filter((r) => r.laboratoryChoice === 'National')) {
        for (const line of (byPrescription.get(row.id) ?? []).filter(
          (l) => l.sampleCount > 0 && !l.laboratoryId,
        )) {
          problems.push(
            `« ${prescriptionLabel(row)} » : choisissez le laboratoire de la région ${Regions[line.regionCode]?.name ?? line.regionCode}.`,
          );
        }
      }
    }
    return problems;
  }

  async function regionalProblems(plan: ProgrammingPlan, regionCode: string) {
    const rows = await repo.findPrescriptionRows(plan.id);
    const ids = rows.map((r) => r.id);
    const [regional, departmental] = await queries(
      () => repo.regionalLines(ids, regionCode),
      () => repo.departmentalLines(ids, regionCode),
    );
    const problems = departmentalDistributionProblems(
      regionCode,
      regional
        .filter((l) => l.sampleCount > 0)
        .map((line) => {
          const row = rows.find((r) => r.id === line.prescriptionId)!;
          return {
            label: prescriptionLabel(row),
            regionalCount: line.sampleCount,
            departments: departmental.filter((d) => d.prescriptionId === line.prescriptionId),
          };
        }),
      plan.distributionKind === 'DEPARTMENTAL' ? 'complete' : 'ifStarted',
    );
    for (const line of regional.filter((l) => l.sampleCount > 0 && !l.laboratoryId)) {
      const row = rows.find((r) => r.id === line.prescriptionId)!;
      problems.push(`« ${prescriptionLabel(row)} » : choisissez le laboratoire d’analyse.`);
    }
    return problems;
  }

  return {
    async findPlans(user: AuthUser, query: FindProgrammingPlansQuery): Promise<ProgrammingPlan[]> {
      const plans = await repo.findPlans(query);
      return plans.filter((plan) => canReadPlan(user, plan));
    },

    getPlan: (user: AuthUser, planId: string) => visiblePlan(user, planId),

    async createPlan(user: AuthUser, input: ProgrammingPlanToCreate): Promise<ProgrammingPlan> {
      return change(async () => {
        const source = input.copyFromPlanId ? await visiblePlan(user, input.copyFromPlanId) : null;
        if (await repo.planExists(input.year, input.kind)) {
          throw new ConflictError(
            `Un plan « ${PlanKindLabels[input.kind]} » existe déjà pour ${input.year}.`,
            [{ path: 'body.year', message: 'Année déjà programmée pour ce type de plan.' }],
          );
        }
        const planId = await repo.insertPlan({
          year: input.year,
          kind: input.kind,
          distributionKind: input.distributionKind,
          createdBy: user.id,
        });
        if (source) {
          const rows = await repo.findPrescriptionRows(source.id);
          const full = await repo.attachLines(rows, {});
          for (const p of full) {
            const id = await repo.insertPrescription({
              planId,
              context: p.context,
              matrixKindCode: p.matrixKindCode,
              stages: p.stages,
              sampleCount: p.sampleCount,
              laboratoryChoice: p.laboratoryChoice,
              instructions: p.instructions,
            });
            await repo.replaceSubstances(id, p.substances);
            for (const line of p.regions) {
              await repo.insertRegionalLine({
                prescriptionId: id,
                regionCode: line.regionCode,
                sampleCount: line.sampleCount,
                laboratoryId: line.laboratoryId,
              });
            }
            for (const region of new Set(p.departments.map((d) => d.regionCode))) {
              await repo.replaceDepartmentalLines(
                id,
                region,
                p.departments.filter((d) => d.regionCode === region),
              );
            }
          }
        }
        const plan = (await repo.findPlan(planId))!;
        await recordAudit(db, {
          entity: 'programmingPlan',
          entityId: planId,
          action: source ? 'copy' : 'create',
          after: { ...plan, copiedFrom: source?.id ?? null },
        });
        return plan;
      });
    },

    async transition(
      user: AuthUser,
      planId: string,
      input: PlanTransitionInput,
    ): Promise<ProgrammingPlan> {
      return change(async (mails) => {
        const plan = await visiblePlan(user, planId, true);
        if (plan.version !== input.version) throw new VersionConflictError();
        let problems: string[] = [];
        if (
          input.action === 'submitToRegions' &&
          user.role === 'NationalCoordinator' &&
          plan.status === 'InProgress'
        ) {
          const { rows, lines } = await regionalLinesFor(plan.id);
          problems = nationalProblems(rows, lines, 'complete');
        } else if (
          (input.action === 'approve' || input.action === 'submitToDepartments') &&
          user.role === 'RegionalCoordinator' &&
          user.regionCode
        ) {
          problems = await regionalProblems(plan, user.regionCode);
        }
        const decision = decidePlanAction(input.action, plan, user, problems);
        if (!decision.allowed) {
          if (decision.kind === 'forbidden') throw new ForbiddenError(decision.reason);
          throw new ConflictError(
            decision.reason,
            problems.map((message) => ({ path: 'distribution', message })),
          );
        }
        if (input.action === 'submitToRegions') {
          const { lines } = await regionalLinesFor(plan.id);
          const regions = regionsWithSamples(lines);
          await repo.insertRegionStatuses(plan.id, regions);
        }
        if (decision.regionStatus) {
          await repo.updateRegionStatus(
            plan.id,
            decision.regionStatus.regionCode,
            decision.regionStatus.status,
          );
        }
        if (!(await repo.updatePlanStatus(plan.id, plan.version, decision.status)))
          throw new VersionConflictError();
        const after = (await repo.findPlan(plan.id))!;
        await recordAudit(db, {
          entity: 'programmingPlan',
          entityId: plan.id,
          action: input.action,
          before: plan,
          after,
        });

        const link = `/programmation/${plan.id}`;
        const title = planTitle(plan);
        const regionCodes = after.regionalStatuses.map((r) => r.regionCode);
        if (input.action === 'submitToRegions') {
          mails.push(
            ...(await notifications.notify(
              { roles: ['RegionalCoordinator', 'RegionalObserver'], regionCodes },
              {
                kind: 'PlanSubmittedToRegions',
                title: `Programmation à traiter : ${title}`,
                body: `La programmation « ${title} » a été envoyée aux régions. Vérifiez la part de votre région, répartissez-la et approuvez-la.`,
                link,
              },
            )),
          );
        } else if (decision.regionStatus) {
          const region =
            Regions[decision.regionStatus.regionCode]?.name ?? decision.regionStatus.regionCode;
          const approved = input.action === 'approve';
          mails.push(
            ...(await notifications.notify(
              { roles: ['NationalCoordinator'] },
              {
                kind: approved ? 'PlanApprovedByRegion' : 'PlanSubmittedToDepartments',
                title: `${region} a ${approved ? 'approuvé' : 'réparti'} la programmation ${title}`,
                body:
                  decision.status === 'SubmittedToRegion'
                    ? `${region} a ${approved ? 'approuvé sa programmation' : 'envoyé sa programmation à ses départements'}. D’autres régions doivent encore le faire.`
                    : `${region} était la dernière région attendue : la programmation peut être validée.`,
                link,
              },
            )),
          );
          if (!approved) {
            mails.push(
              ...(await notifications.notify(
                {
                  roles: ['DepartmentalCoordinator', 'DepartmentalObserver'],
                  regionCodes: [decision.regionStatus.regionCode],
                },
                {
                  kind: 'PlanSubmittedToDepartments',
                  title: `Programmation de votre département : ${title}`,
                  body: `La région ${region} a réparti la programmation « ${title} » entre ses départements.`,
                  link,
                },
              )),
            );
          }
        } else {
          const validated = input.action === 'validate';
          mails.push(
            ...(await notifications.notify(
              {
                roles: [
                  'RegionalCoordinator',
                  'RegionalObserver',
                  'DepartmentalCoordinator',
                  'DepartmentalObserver',
                  'Sampler',
                ],
                regionCodes,
              },
              {
                kind: validated ? 'PlanValidated' : 'PlanClosed',
                title: validated ? `Campagne ouverte : ${title}` : `Campagne clôturée : ${title}`,
                body: validated
                  ? `La programmation « ${title} » est validée : les prélèvements peuvent commencer.`
                  : `La campagne « ${title} » est clôturée.`,
                link,
              },
            )),
            ...(await notifications.notify(
              { roles: ['NationalObserver', 'NationalCoordinator'], excludeUserId: user.id },
              {
                kind: validated ? 'PlanValidated' : 'PlanClosed',
                title: validated ? `Campagne ouverte : ${title}` : `Campagne clôturée : ${title}`,
                body: validated
                  ? `La programmation « ${title} » est validée.`
                  : `La campagne « ${title} » est clôturée.`,
                link,
              },
            )),
          );
        }
        return after;
      });
    },

    async findPrescriptions(
      user: AuthUser,
      planId: string,
      query: FindPrescriptionsQuery,
    ): Promise<Prescription[]> {
      const plan = await visiblePlan(user, planId);
      const scope = lineScope(user);
      if (query.regionCode && scope.regionCode && query.regionCode !== scope.regionCode) {
        throw new ForbiddenError('Vous ne pouvez consulter que la programmation de votre région.');
      }
      const lines = await repo.findPrescriptions(plan.id, query, {
        regionCode: scope.regionCode ?? query.regionCode ?? null,
        departmentCode: scope.departmentCode ?? null,
      });
      const visible = scope.departmentCode
        ? lines.filter(
            (p) =>
              p.departments.some((d) => d.sampleCount > 0) ||
              (plan.distributionKind === 'REGIONAL' &&
                p.regions.some((r) => r.sampleCount > 0) &&
                !p.departments.length &&
                user.role !== 'Sampler'),
          )
        : query.regionCode || scope.regionCode
          ? lines.filter((p) => p.regions.some((r) => r.sampleCount > 0))
          : lines;
      return visible.map(toPrescription);
    },

    /**
     * The content of an export: exactly what `findPrescriptions` answers the user for these
     * filters (same scope and visibility), the regions whose columns they may see (theirs, the
     * filtered one, or all), and the short names of the laboratories.
     */
    async exportPrescriptions(
      user: AuthUser,
      planId: string,
      query: FindPrescriptionsQuery,
    ): Promise<PrescriptionsExport> {
      const prescriptions = await this.findPrescriptions(user, planId, query);
      const plan = await visiblePlan(user, planId);
      const scope = lineScope(user);
      const regionCodes = scope.regionCode
        ? [scope.regionCode]
        : query.regionCode
          ? [query.regionCode]
          : [...RegionCodeList];
      const laboratories = await createLaboratoryRepository(db).findAll();
      return {
        plan,
        regionCodes,
        prescriptions,
        laboratoryNames: new Map(laboratories.map((l) => [l.id, l.shortName])),
      };
    },

    async createPrescription(
      user: AuthUser,
      planId: string,
      input: PrescriptionToSave,
    ): Promise<Prescription> {
      checkReferences(input);
      return change(async () => {
        const plan = await visiblePlan(user, planId, true);
        requireNationalEdit(user, plan);
        const id = await repo.insertPrescription({
          planId: plan.id,
          context: input.context,
          matrixKindCode: input.matrixKindCode,
          stages: input.stages,
          sampleCount: input.sampleCount,
          laboratoryChoice: input.laboratoryChoice,
          instructions: input.instructions,
        });
        await repo.replaceSubstances(id, input.substances);
        const [created] = await repo.attachLines([(await repo.findPrescriptionRow(id))!], {});
        await recordAudit(db, {
          entity: 'prescription',
          entityId: id,
          action: 'create',
          after: created,
        });
        return toPrescription(created!);
      });
    },

    async updatePrescription(
      user: AuthUser,
      prescriptionId: string,
      input: PrescriptionToUpdate,
    ): Promise<Prescription> {
      checkReferences(input);
      return change(async () => {
        const { row, plan } = await loadPrescription(user, prescriptionId, true);
        requireNationalEdit(user, plan);
        const [before] = await repo.attachLines([row], {});
        const distributed = before!.regions.reduce((total, l) => total + l.sampleCount, 0);
        if (input.sampleCount < distributed) {
          throw invalid(
            'Le nombre de prélèvements est inférieur à ce qui est déjà réparti entre les régions.',
            [
              {
                path: 'body.sampleCount',
                message: `${distributed} prélèvements sont déjà répartis entre les régions : réduisez d’abord leur répartition.`,
              },
            ],
          );
        }
        const updated = await repo.updatePrescription(row.id, input.version, {
          context: input.context,
          matrixKindCode: input.matrixKindCode,
          stages: input.stages,
          sampleCount: input.sampleCount,
          laboratoryChoice: input.laboratoryChoice,
          instructions: input.instructions,
        });
        if (!updated) throw new VersionConflictError();
        await repo.replaceSubstances(row.id, input.substances);
        const [after] = await repo.attachLines([(await repo.findPrescriptionRow(row.id))!], {});
        await recordAudit(db, {
          entity: 'prescription',
          entityId: row.id,
          action: 'update',
          before,
          after,
        });
        return toPrescription(after!);
      });
    },

    async deletePrescription(
      user: AuthUser,
      prescriptionId: string,
      version: number,
    ): Promise<void> {
      await change(async () => {
        const { row, plan } = await loadPrescription(user, prescriptionId, true);
        requireNationalEdit(user, plan);
        if (row.version !== version) throw new VersionConflictError();
        const [before] = await repo.attachLines([row], {});
        await repo.deletePrescription(row.id);
        await recordAudit(db, {
          entity: 'prescription',
          entityId: row.id,
          action: 'delete',
          before,
        });
      });
    },

    async saveRegionalColumn(
      user: AuthUser,
      planId: string,
      regionCode: string,
      input: RegionalColumnToSave,
    ): Promise<RegionalPrescription[]> {
      if (!Regions[regionCode]) throw new NotFoundError('Cette région est introuvable.');
      return change(async () => {
        const plan = await visiblePlan(user, planId, true);
        requireNationalEdit(user, plan);
        const rows = await repo.findPrescriptionRows(plan.id);
        const issues: { path: string; message: string }[] = [];
        input.lines.forEach((line, index) => {
          if (!rows.some((r) => r.id === line.prescriptionId)) {
            issues.push({
              path: `body.lines.${index}.prescriptionId`,
              message: 'Cette prescription n’appartient pas au plan.',
            });
          }
        });
        issues.push(...(await unknownLaboratoryIssues(input.lines)));
        if (new Set(input.lines.map((l) => l.prescriptionId)).size !== input.lines.length) {
          issues.push({
            path: 'body.lines',
            message: 'Une prescription figure deux fois dans la colonne.',
          });
        }
        if (issues.length > 0)
          throw invalid('La répartition contient des lignes invalides.', issues);

        const before = await repo.regionalLines(
          rows.map((r) => r.id),
          regionCode,
        );
        for (const line of input.lines) {
          const existing = before.find((l) => l.prescriptionId === line.prescriptionId);
          if (!existing) {
            if (line.version !== null) throw new VersionConflictError();
            await repo.insertRegionalLine({
              prescriptionId: line.prescriptionId,
              regionCode,
              sampleCount: line.sampleCount,
              laboratoryId: line.laboratoryId,
            });
          } else if (
            existing.sampleCount !== line.sampleCount ||
            existing.laboratoryId !== line.laboratoryId
          ) {
            if (line.version === null) throw new VersionConflictError();
            const ok = await repo.updateRegionalLine(
              line.prescriptionId,
              regionCode,
              line.version,
              {
                sampleCount: line.sampleCount,
                laboratoryId: line.laboratoryId,
              },
            );
            if (!ok) throw new VersionConflictError();
          }
        }
        const { lines } = await regionalLinesFor(plan.id);
        const departmental = await repo.departmentalLines(
          rows.map((r) => r.id),
          regionCode,
        );
        const problems = [
          ...nationalProblems(rows, lines, 'editing'),
          ...departmentalDistributionProblems(
            regionCode,
            lines
              .filter((l) => l.regionCode === regionCode)
              .map((line) => ({
                label: prescriptionLabel(rows.find((r) => r.id === line.prescriptionId)!),
                regionalCount: line.sampleCount,
                departments: departmental.filter((d) => d.prescriptionId === line.prescriptionId),
              })),
            'editing',
          ),
        ];
        if (problems.length > 0) {
          throw invalid(
            'La répartition dépasserait le nombre de prélèvements programmés au niveau national, ou passerait sous ce qui est déjà réparti entre les départements.',
            problems.map((message) => ({ path: 'body.lines', message })),
          );
        }
        const after = lines.filter((l) => l.regionCode === regionCode);
        await recordAudit(db, {
          entity: 'programmingPlan',
          entityId: plan.id,
          action: 'distributeToRegion',
          before: { regionCode, lines: before },
          after: { regionCode, lines: after },
        });
        return after;
      });
    },

    async saveDepartmentalSplit(
      user: AuthUser,
      planId: string,
      regionCode: string,
      input: DepartmentalSplitToSave,
    ) {
      if (!Regions[regionCode]) throw new NotFoundError('Cette région est introuvable.');
      return change(async () => {
        const plan = await visiblePlan(user, planId, true);
        if (!isInScope(user, { regionCode })) {
          throw new ForbiddenError('Vous ne pouvez répartir que la programmation de votre région.');
        }
        if (!canEditRegionalProgramming(user, plan, regionCode)) {
          throw new ConflictError(
            'La répartition de votre région ne peut plus être modifiée à ce stade de la programmation.',
          );
        }
        const rows = await repo.findPrescriptionRows(plan.id);
        const ids = rows.map((r) => r.id);
        const [regional, departmentalBefore] = await queries(
          () => repo.regionalLines(ids, regionCode),
          () => repo.departmentalLines(ids, regionCode),
        );
        const issues: { path: string; message: string }[] = [];
        input.lines.forEach((line, index) => {
          const row = rows.find((r) => r.id === line.prescriptionId);
          const current = regional.find((l) => l.prescriptionId === line.prescriptionId);
          if (!row || !current) {
            issues.push({
              path: `body.lines.${index}.prescriptionId`,
              message: 'Aucun prélèvement de cette prescription n’est attribué à votre région.',
            });
            return;
          }
          if (row.laboratoryChoice === 'National' && line.laboratoryId !== current.laboratoryId) {
            issues.push({
              path: `body.lines.${index}.laboratoryId`,
              message: 'Le laboratoire de cette prescription est choisi au niveau national.',
            });
          }
          line.departments.forEach((d, j) => {
            if (Departments[d.departmentCode]?.regionCode !== regionCode) {
              issues.push({
                path: `body.lines.${index}.departments.${j}.departmentCode`,
                message: `Le département ${d.departmentCode} n’appartient pas à la région.`,
              });
            }
          });
          if (
            new Set(line.departments.map((d) => d.departmentCode)).size !== line.departments.length
          ) {
            issues.push({
              path: `body.lines.${index}.departments`,
              message: 'Un département figure deux fois.',
            });
          }
        });
        issues.push(...(await unknownLaboratoryIssues(input.lines)));
        if (issues.length > 0)
          throw invalid('La répartition contient des lignes invalides.', issues);

        const problems = departmentalDistributionProblems(
          regionCode,
          input.lines.map((line) => ({
            label: prescriptionLabel(rows.find((r) => r.id === line.prescriptionId)!),
            regionalCount: regional.find((l) => l.prescriptionId === line.prescriptionId)!
              .sampleCount,
            departments: line.departments,
          })),
          'editing',
        );
        if (problems.length > 0) {
          throw invalid(
            'La répartition dépasserait le nombre de prélèvements attribués à la région.',
            problems.map((message) => ({ path: 'body.lines', message })),
          );
        }
        for (const line of input.lines) {
          const ok = await repo.updateRegionalLine(line.prescriptionId, regionCode, line.version, {
            laboratoryId: line.laboratoryId,
          });
          if (!ok) throw new VersionConflictError();
          await repo.replaceDepartmentalLines(line.prescriptionId, regionCode, line.departments);
        }
        const [regions, departments] = await queries(
          () => repo.regionalLines(ids, regionCode),
          () => repo.departmentalLines(ids, regionCode),
        );
        await recordAudit(db, {
          entity: 'programmingPlan',
          entityId: plan.id,
          action: 'distributeToDepartments',
          before: { regionCode, regions: regional, departments: departmentalBefore },
          after: { regionCode, regions, departments },
        });
        return { regions, departments };
      });
    },

    async findComments(
      user: AuthUser,
      prescriptionId: string,
      regionCode: string,
    ): Promise<PrescriptionComment[]> {
      // Loading checks that the prescription exists and that its plan is visible (404 otherwise).
      await loadPrescription(user, prescriptionId);
      const national = ['Administrator', 'NationalCoordinator', 'NationalObserver'].includes(
        user.role,
      );
      const regional =
        ['RegionalCoordinator', 'RegionalObserver'].includes(user.role) &&
        user.regionCode === regionCode;
      if (!national && !regional)
        throw new ForbiddenError('Ce fil de commentaires ne concerne pas votre périmètre.');
      return repo.findComments(prescriptionId, regionCode);
    },

    async createComment(
      user: AuthUser,
      prescriptionId: string,
      regionCode: string,
      input: CommentToCreate,
    ): Promise<PrescriptionComment> {
      return change(async (mails) => {
        const { row, plan } = await loadPrescription(user, prescriptionId);
        if (user.role === 'RegionalCoordinator' && user.regionCode !== regionCode) {
          throw new ForbiddenError('Vous ne pouvez commenter que les lignes de votre région.');
        }
        if (!canComment(user, plan, regionCode)) {
          throw new ConflictError(
            plan.status === 'InProgress'
              ? 'Les commentaires s’ouvrent quand la programmation est envoyée aux régions.'
              : 'Cette campagne est clôturée : les commentaires sont fermés.',
          );
        }
        if (!Regions[regionCode]) throw new NotFoundError('Cette région est introuvable.');
        const id = await repo.insertComment({
          prescriptionId,
          regionCode,
          authorId: user.id,
          body: input.body,
        });
        const comment = (await repo.findComments(prescriptionId, regionCode)).find(
          (c: { id: string }) => c.id === id,
        );
        await recordAudit(db, {
          entity: 'prescriptionComment',
          entityId: id,
          action: 'create',
          after: comment,
        });
        const fromRegion = user.role === 'RegionalCoordinator';
        const region = Regions[regionCode]?.name ?? regionCode;
        mails.push(
          ...(await notifications.notify(
            fromRegion
              ? { roles: ['NationalCoordinator'] }
              : {
                  roles: ['RegionalCoordinator'],
                  regionCodes: [regionCode],
                  excludeUserId: user.id,
                },
            {
              kind: 'PrescriptionCommented',
              title: `Commentaire sur « ${prescriptionLabel(row)} » (${region})`,
              body: `${user.firstName} ${user.lastName} : ${input.body.slice(0, 500)}`,
              link: `/programmation/${plan.id}?prescription=${row.id}&region=${regionCode}`,
            },
          )),
        );
        return comment as PrescriptionComment;
      });
    },
  };
}

export type ProgrammingService = ReturnType<typeof createProgrammingService>;
