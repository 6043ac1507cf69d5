import { type Db, executor, queries } from '@maestro/database';
import type { FindPrescriptionsQuery, FindProgrammingPlansQuery } from '@maestro/shared/contract';
import type {
  DepartmentalPrescription,
  DistributionKind,
  PlanKind,
  PlanStatus,
  PrescriptionSubstance,
  ProgrammingPlan,
  RegionalPlanStatus,
  RegionalPrescription,
} from '@maestro/shared/schema';

export interface PrescriptionRow {
  id: string;
  planId: string;
  context: 'Surveillance' | 'Control';
  matrixKindCode: string;
  stages: string[];
  sampleCount: number;
  laboratoryChoice: 'National' | 'Regional';
  instructions: string;
  version: number;
}

export interface PrescriptionWithLines extends PrescriptionRow {
  substances: PrescriptionSubstance[];
  regions: RegionalPrescription[];
  departments: DepartmentalPrescription[];
  commentCounts: { regionCode: string; count: number }[];
}

/** What part of the distribution a user may see. */
export interface LineScope {
  regionCode?: string | null;
  departmentCode?: string | null;
}

const planColumns = [
  'id',
  'year',
  'kind',
  'distributionKind',
  'status',
  'version',
  'createdAt',
  'updatedAt',
];
const prescriptionColumns = [
  'id',
  'planId',
  'context',
  'matrixKindCode',
  'stages',
  'sampleCount',
  'laboratoryChoice',
  'instructions',
  'version',
];

export function createProgrammingRepository(db: Db) {
  const q = () => executor(db);

  async function withRegionalStatuses(
    plans: Omit<ProgrammingPlan, 'regionalStatuses'>[],
  ): Promise<ProgrammingPlan[]> {
    if (plans.length === 0) return [];
    const statuses: { planId: string; regionCode: string; status: RegionalPlanStatus }[] =
      await q()('programmingPlanRegions')
        .whereIn(
          'planId',
          plans.map((p) => p.id),
        )
        .orderBy('regionCode')
        .select('planId', 'regionCode', 'status');
    return plans.map((plan) => ({
      ...plan,
      regionalStatuses: statuses
        .filter((s) => s.planId === plan.id)
        .map(({ regionCode, status }) => ({ regionCode, status })),
    }));
  }

  return {
    async findPlans(query: FindProgrammingPlansQuery): Promise<ProgrammingPlan[]> {
      const plans = await q()('programmingPlans')
        .where((w) => {
          if (query.year) w.where({ year: query.year });
          if (query.kind) w.where({ kind: query.kind });
          if (query.status) w.where({ status: query.status });
        })
        .orderBy([{ column: 'year', order: 'desc' }, { column: 'kind' }])
        .select(planColumns);
      return withRegionalStatuses(plans);
    },

    async findPlan(
      id: string,
      options: { forUpdate?: boolean } = {},
    ): Promise<ProgrammingPlan | undefined> {
      const query = q()('programmingPlans').where({ id }).first(planColumns);
      if (options.forUpdate) query.forUpdate();
      const plan = await query;
      if (!plan) return undefined;
      const [withStatuses] = await withRegionalStatuses([plan]);
      return withStatuses;
    },

    async planExists(year: number, kind: PlanKind): Promise<boolean> {
      return (await q()('programmingPlans').where({ year, kind }).first('id')) !== undefined;
    },

    async insertPlan(values: {
      year: number;
      kind: PlanKind;
      distributionKind: DistributionKind;
      createdBy: string;
    }): Promise<string> {
      const [row] = await q()('programmingPlans').insert(values).returning('id');
      return row.id;
    },

    /** Moves the plan to a status when its version matches; false when stale. */
    async updatePlanStatus(id: string, version: number, status: PlanStatus): Promise<boolean> {
      const updated = await q()('programmingPlans')
        .where({ id, version })
        .update({ status, version: version + 1, updatedAt: q().fn.now() });
      return updated === 1;
    },

    async insertRegionStatuses(planId: string, regionCodes: string[]): Promise<void> {
      if (regionCodes.length === 0) return;
      await q()('programmingPlanRegions').insert(
        regionCodes.map((regionCode) => ({ planId, regionCode, status: 'Pending' })),
      );
    },

    async updateRegionStatus(
      planId: string,
      regionCode: string,
      status: RegionalPlanStatus,
    ): Promise<void> {
      await q()('programmingPlanRegions')
        .where({ planId, regionCode })
        .update({ status, updatedAt: q().fn.now() });
    },

    async findPrescriptionRows(
      planId: string,
      query: FindPrescriptionsQuery = {},
    ): Promise<PrescriptionRow[]> {
      return q()('prescriptions')
        .where({ planId })
        .where((w) => {
          if (query.context) w.where({ context: query.context });
          if (query.matrixKindCode) w.where({ matrixKindCode: query.matrixKindCode });
        })
        .orderBy([
          { column: 'context', order: 'desc' },
          { column: 'matrixKindCode' },
          { column: 'createdAt' },
          { column: 'id' },
        ])
        .select(prescriptionColumns);
    },

    async findPrescriptionRow(
      id: string,
      options: { forUpdate?: boolean } = {},
    ): Promise<PrescriptionRow | undefined> {
      const query = q()('prescriptions').where({ id }).first(prescriptionColumns);
      if (options.forUpdate) query.forUpdate();
      return query;
    },

    /** The prescriptions of a plan with every line the scope allows, in five bulk queries. */
    async findPrescriptions(
      planId: string,
      query: FindPrescriptionsQuery,
      scope: LineScope,
    ): Promise<PrescriptionWithLines[]> {
      const rows = await this.findPrescriptionRows(planId, query);
      return this.attachLines(rows, scope);
    },

    async attachLines(rows: PrescriptionRow[], scope: LineScope): Promise<PrescriptionWithLines[]> {
      if (rows.length === 0) return [];
      const ids = rows.map((r) => r.id);
      const regionFilter = scope.regionCode ?? null;
      const departmentFilter = scope.departmentCode ?? null;
      const [substances, regions, departments, comments] = await queries(
        () =>
          q()('prescriptionSubstances')
            .whereIn('prescriptionId', ids)
            .orderBy(['prescriptionId', 'method', 'substanceCode'])
            .select('prescriptionId', 'substanceCode', 'method'),
        () =>
          q()('regionalPrescriptions')
            .whereIn('prescriptionId', ids)
            .modify((b) => {
              if (regionFilter) b.where({ regionCode: regionFilter });
            })
            .orderBy(['prescriptionId', 'regionCode'])
            .select('prescriptionId', 'regionCode', 'sampleCount', 'laboratoryId', 'version'),
        () =>
          q()('departmentalPrescriptions')
            .whereIn('prescriptionId', ids)
            .modify((b) => {
              if (regionFilter) b.where({ regionCode: regionFilter });
              if (departmentFilter) b.where({ departmentCode: departmentFilter });
            })
            .orderBy(['prescriptionId', 'departmentCode'])
            .select('prescriptionId', 'regionCode', 'departmentCode', 'sampleCount'),
        () =>
          q()('prescriptionComments')
            .whereIn('prescriptionId', ids)
            .modify((b) => {
              if (regionFilter) b.where({ regionCode: regionFilter });
            })
            .groupBy('prescriptionId', 'regionCode')
            .select('prescriptionId', 'regionCode')
            .count({ count: '*' }),
      );
      const group = <T extends { prescriptionId: string }>(items: T[]) => {
        const map = new Map<string, T[]>();
        for (const item of items) {
          const list = map.get(item.prescriptionId);
          if (list) list.push(item);
          else map.set(item.prescriptionId, [item]);
        }
        return map;
      };
      const bySubstance = group(
        substances as (PrescriptionSubstance & { prescriptionId: string })[],
      );
      const byRegion = group(regions as RegionalPrescription[]);
      const byDepartment = group(departments as DepartmentalPrescription[]);
      const byComment = group(
        comments as unknown as { prescriptionId: string; regionCode: string; count: number }[],
      );
      return rows.map((row) => ({
        ...row,
        substances: (bySubstance.get(row.id) ?? []).map(({ substanceCode, method }) => ({
          substanceCode,
          method,
        })),
        regions: byRegion.get(row.id) ?? [],
        departments: byDepartment.get(row.id) ?? [],
        commentCounts: (byComment.get(row.id) ?? []).map(({ regionCode, count }) => ({
          regionCode,
          count: Number(count),
        })),
      }));
    },

    async insertPrescription(values: Omit<PrescriptionRow, 'id' | 'version'>): Promise<string> {
      const [row] = await q()('prescriptions').insert(values).returning('id');
      return row.id;
    },

    async updatePrescription(
      id: string,
      version: number,
      values: Partial<PrescriptionRow>,
    ): Promise<boolean> {
      const updated = await q()('prescriptions')
        .where({ id, version })
        .update({ ...values, version: version + 1, updatedAt: q().fn.now() });
      return updated === 1;
    },

    async deletePrescription(id: string): Promise<void> {
      await q()('prescriptions').where({ id }).delete();
    },

    async replaceSubstances(
      prescriptionId: string,
      substances: PrescriptionSubstance[],
    ): Promise<void> {
      await q()('prescriptionSubstances').where({ prescriptionId }).delete();
      if (substances.length > 0) {
        await q()('prescriptionSubstances').insert(
          substances.map((s) => ({
            prescriptionId,
            substanceCode: s.substanceCode,
            method: s.method,
          })),
        );
      }
    },

    async regionalLines(
      prescriptionIds: string[],
      regionCode?: string,
    ): Promise<RegionalPrescription[]> {
      if (prescriptionIds.length === 0) return [];
      return q()('regionalPrescriptions')
        .whereIn('prescriptionId', prescriptionIds)
        .modify((b) => {
          if (regionCode) b.where({ regionCode });
        })
        .orderBy(['prescriptionId', 'regionCode'])
        .select('prescriptionId', 'regionCode', 'sampleCount', 'laboratoryId', 'version');
    },

    async insertRegionalLine(line: Omit<RegionalPrescription, 'version'>): Promise<void> {
      await q()('regionalPrescriptions').insert(line);
    },

    /** Updates a regional line when its version matches; false when stale or missing. */
    async updateRegionalLine(
      prescriptionId: string,
      regionCode: string,
      version: number,
      values: { sampleCount?: number; laboratoryId?: string | null },
    ): Promise<boolean> {
      const updated = await q()('regionalPrescriptions')
        .where({ prescriptionId, regionCode, version })
        .update({ ...values, version: version + 1, updatedAt: q().fn.now() });
      return updated === 1;
    },

    async departmentalLines(
      prescriptionIds: string[],
      regionCode: string,
    ): Promise<DepartmentalPrescription[]> {
      if (prescriptionIds.length === 0) return [];
      return q()('departmentalPrescriptions')
        .whereIn('prescriptionId', prescriptionIds)
        .where({ regionCode })
        .orderBy(['prescriptionId', 'departmentCode'])
        .select('prescriptionId', 'regionCode', 'departmentCode', 'sampleCount');
    },

    async replaceDepartmentalLines(
      prescriptionId: string,
      regionCode: string,
      lines: { departmentCode: string; sampleCount: number }[],
    ): Promise<void> {
      await q()('departmentalPrescriptions').where({ prescriptionId, regionCode }).delete();
      const kept = lines.filter((l) => l.sampleCount > 0);
      if (kept.length > 0) {
        await q()('departmentalPrescriptions').insert(
          kept.map((l) => ({
            prescriptionId,
            regionCode,
            departmentCode: l.departmentCode,
            sampleCount: l.sampleCount,
          })),
        );
      }
    },

    async findComments(prescriptionId: string, regionCode: string) {
      return q()('prescriptionComments as c')
        .join('users as u', 'u.id', 'c.authorId')
        .where({ 'c.prescriptionId': prescriptionId, 'c.regionCode': regionCode })
        .orderBy('c.createdAt')
        .select(
          'c.id',
          'c.prescriptionId',
          'c.regionCode',
          'c.authorId',
          q().raw(`u.first_name || ' ' || u.last_name as author_name`),
          'u.role as authorRole',
          'c.body',
          'c.createdAt',
        );
    },

    async insertComment(values: {
      prescriptionId: string;
      regionCode: string;
      authorId: string;
      body: string;
    }): Promise<string> {
      const [row] = await q()('prescriptionComments').insert(values).returning('id');
      return row.id;
    },
  };
}

export type ProgrammingRepository = ReturnType<typeof createProgrammingRepository>;
