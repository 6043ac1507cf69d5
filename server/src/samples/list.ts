import { type Db, executor, queries } from '@maestro/database';
import type { ExportSamplesQuery, FindSampleLocationsQuery } from '@maestro/shared/contract';
import { canReadPlan } from '@maestro/shared/domain';
import type {
  AuthUser,
  FindSamplesQuery,
  RealisedCount,
  SampleListItem,
  SampleLocations,
  SamplePage,
  SampleSort,
  SampleStatus,
} from '@maestro/shared/schema';
import { SampleStatusList } from '@maestro/shared/schema';
import { NotFoundError } from '../http/errors';

/**
 * The sample list's queries: scoped to what the user may see, filtered, sorted, paginated on the
 * sample table first (every filter has an index, see migrations 004 and 006), with the sampler's
 * name joined for the page's rows only.
 *
 * The counts per status (and so the total) come from `sample_counts`, kept exact by triggers,
 * whenever the filters are among its columns; otherwise from the samples themselves, which the
 * other filters (matrix, sampler, dates, text) narrow down first.
 */

/** Every filter of the list (the page and the sort apart). */
export type SampleFilters = Omit<FindSamplesQuery, 'sort' | 'page' | 'perPage'>;

/** knex's query builder (the server does not depend on knex directly). */
type QueryBuilder = ReturnType<Db['queryBuilder']>;

type ScopedUser = Pick<AuthUser, 'id' | 'role' | 'regionCode' | 'departmentCode' | 'laboratoryId'>;

/** At most this many points on the map. */
export const MAX_LOCATIONS = 5000;

/** The searched text of a sample; the same expression as the trigram index of migration 006. */
const searchText = (t: string) =>
  `(${t}reference::text || ' ' || coalesce(${t}company_name, '') || ' ' || coalesce(${t}company_siret::text, ''))`;

/** `%value%` for LIKE, the value's own wildcards escaped. */
export const containsPattern = (value: string) => `%${value.replace(/[\\%_]/g, '\\$&')}%`;

/** A SIRET typed with spaces (« 123 456 789 00012 ») is searched without them. */
const normaliseSearch = (value: string) =>
  /^[\d\s]+$/.test(value) ? value.replace(/\s+/g, '') : value;

/** Samples a laboratory never sees: not yet sent. */
const NOT_SENT: SampleStatus[] = ['Draft', 'Submitted'];

/**
 * The rows a user may see (the same rule as `canReadSample`). `t` is the table's alias with
 * its dot ('s.'), or '' ; the columns are those of `samples`, also present in `sample_counts`.
 */
export function applyScope(builder: QueryBuilder, user: ScopedUser, t = ''): void {
  const none = () => builder.whereRaw('false');
  switch (user.role) {
    case 'Administrator':
    case 'NationalCoordinator':
    case 'NationalObserver':
      return;
    case 'RegionalCoordinator':
    case 'RegionalObserver':
      if (!user.regionCode) return void none();
      builder.where(`${t}regionCode`, user.regionCode);
      return;
    case 'DepartmentalCoordinator':
    case 'DepartmentalObserver':
    case 'Sampler':
      if (!user.departmentCode) return void none();
      builder.where(`${t}departmentCode`, user.departmentCode);
      return;
    case 'LaboratoryUser':
      if (!user.laboratoryId) return void none();
      builder.where(`${t}laboratoryId`, user.laboratoryId).whereNotIn(`${t}status`, NOT_SENT);
      return;
  }
}

/** Filters that `sample_counts` can answer (with the scope and the status). */
const countedFilters = [
  'programmingPlanId',
  'regionCode',
  'departmentCode',
  'laboratoryId',
] as const;

/** Whether the counts of these filters can be read from `sample_counts`. */
export function countsFromTable(filters: SampleFilters): boolean {
  return (Object.keys(filters) as (keyof SampleFilters)[]).every(
    (key) =>
      filters[key] === undefined ||
      key === 'status' ||
      (countedFilters as readonly string[]).includes(key),
  );
}

/**
 * The filters, on `samples` (alias `t`) or, for those it has, on `sample_counts`.
 * `withStatus: false` leaves the status out (for the counts per status).
 */
export function applyFilters(
  builder: QueryBuilder,
  filters: SampleFilters,
  { t = '', withStatus = true }: { t?: string; withStatus?: boolean } = {},
): void {
  if (filters.programmingPlanId) builder.where(`${t}programmingPlanId`, filters.programmingPlanId);
  if (withStatus && filters.status && filters.status.length > 0)
    builder.whereIn(`${t}status`, filters.status);
  if (filters.regionCode) builder.where(`${t}regionCode`, filters.regionCode);
  if (filters.departmentCode) builder.where(`${t}departmentCode`, filters.departmentCode);
  if (filters.laboratoryId) builder.where(`${t}laboratoryId`, filters.laboratoryId);
  if (filters.matrixKindCode) builder.where(`${t}matrixKindCode`, filters.matrixKindCode);
  if (filters.matrixCode) builder.where(`${t}matrixCode`, filters.matrixCode);
  if (filters.samplerId) builder.where(`${t}samplerId`, filters.samplerId);
  // Days are French days: from 00:00 of the first to 24:00 of the last, Paris time.
  if (filters.sampledFrom)
    builder.whereRaw(`${t}sampled_at >= (?::date)::timestamp at time zone 'Europe/Paris'`, [
      filters.sampledFrom,
    ]);
  if (filters.sampledTo)
    builder.whereRaw(`${t}sampled_at < ((?::date + 1)::timestamp at time zone 'Europe/Paris')`, [
      filters.sampledTo,
    ]);
  // Text: the trigram index finds the candidates, the column's own condition keeps the right ones.
  if (filters.q) {
    const pattern = containsPattern(normaliseSearch(filters.q));
    builder.whereRaw(
      `${searchText(t)} ilike ? and (${t}reference ilike ? or ${t}company_name ilike ? or ${t}company_siret like ?)`,
      [pattern, pattern, pattern, pattern],
    );
  }
  if (filters.company) {
    const pattern = containsPattern(normaliseSearch(filters.company));
    builder.whereRaw(
      `${searchText(t)} ilike ? and (${t}company_name ilike ? or ${t}company_siret like ?)`,
      [pattern, pattern, pattern],
    );
  }
  if (filters.reference) {
    const pattern = containsPattern(filters.reference);
    builder.whereRaw(`${searchText(t)} ilike ? and ${t}reference ilike ?`, [pattern, pattern]);
  }
}

/** The order of a sort, with the id as the last key so that pages never overlap. */
export function orderSql(sort: SampleSort, t = ''): string {
  switch (sort) {
    case '-updatedAt':
      return `${t}updated_at desc, ${t}id desc`;
    case 'updatedAt':
      return `${t}updated_at asc, ${t}id asc`;
    case '-sampledAt':
      return `${t}sampled_at desc nulls last, ${t}id desc`;
    case 'sampledAt':
      return `${t}sampled_at asc nulls last, ${t}id asc`;
    case '-reference':
      return `${t}reference desc`;
    case 'reference':
      return `${t}reference asc`;
  }
}

const listColumns = [
  'id',
  'reference',
  'status',
  'step',
  'programmingPlanId',
  'context',
  'regionCode',
  'departmentCode',
  'matrixKindCode',
  'matrixCode',
  'matrixFreeText',
  'companyName',
  'companySiret',
  'sampledAt',
  'laboratoryId',
  'samplerId',
  'updatedAt',
];

interface ListRow extends Omit<SampleListItem, 'sampler' | 'sampledAt' | 'updatedAt'> {
  samplerId: string;
  samplerFirstName: string;
  samplerLastName: string;
  sampledAt: Date | null;
  updatedAt: Date;
}

const toListItem = ({
  samplerId,
  samplerFirstName,
  samplerLastName,
  sampledAt,
  updatedAt,
  ...row
}: ListRow): SampleListItem => ({
  ...row,
  sampledAt: sampledAt ? sampledAt.toISOString() : null,
  updatedAt: updatedAt.toISOString(),
  sampler: { id: samplerId, firstName: samplerFirstName, lastName: samplerLastName },
});

const zeroCounts = (): Record<SampleStatus, number> =>
  Object.fromEntries(SampleStatusList.map((status) => [status, 0])) as Record<SampleStatus, number>;

export function createSampleListRepository(db: Db) {
  const q = () => executor(db);

  /** The samples a user may see with these filters, in `sort` order (a query to run or stream). */
  function filtered(user: ScopedUser, filters: SampleFilters, t = '') {
    return (builder: QueryBuilder) => {
      applyScope(builder, user, t);
      applyFilters(builder, filters, { t });
    };
  }

  async function statusCounts(
    user: ScopedUser,
    filters: SampleFilters,
  ): Promise<Record<SampleStatus, number>> {
    const fromTable = countsFromTable(filters);
    const rows: { status: SampleStatus; count: number }[] = fromTable
      ? await q()('sampleCounts')
          .modify((b) => {
            applyScope(b, user);
            applyFilters(b, filters, { withStatus: false });
          })
          .groupBy('status')
          .select('status')
          .sum({ count: 'count' })
      : await q()('samples')
          .modify((b) => {
            applyScope(b, user);
            applyFilters(b, filters, { withStatus: false });
          })
          .groupBy('status')
          .select('status')
          .count({ count: '*' });
    const counts = zeroCounts();
    for (const row of rows) {
      if (row.status in counts) counts[row.status] = Number(row.count);
    }
    return counts;
  }

  return {
    statusCounts,

    async findPage(user: ScopedUser, query: FindSamplesQuery): Promise<SamplePage> {
      const { sort, page, perPage, ...filters } = query;
      const inner = q()('samples')
        .select(listColumns)
        .modify(filtered(user, filters))
        .orderByRaw(orderSql(sort))
        .limit(perPage)
        .offset((page - 1) * perPage);
      const [rows, counts] = await queries(
        () =>
          q()
            .select('s.*', 'u.firstName as samplerFirstName', 'u.lastName as samplerLastName')
            .from(inner.as('s'))
            .join('users as u', 'u.id', 's.samplerId')
            .orderByRaw(orderSql(sort, 's.')) as Promise<ListRow[]>,
        () => statusCounts(user, filters),
      );
      const selected = filters.status && filters.status.length > 0 ? filters.status : null;
      const total = SampleStatusList.reduce(
        (sum, status) =>
          selected === null || selected.includes(status) ? sum + counts[status] : sum,
        0,
      );
      return { items: rows.map(toListItem), total, page, perPage, statusCounts: counts };
    },

    async findLocations(
      user: ScopedUser,
      query: FindSampleLocationsQuery,
    ): Promise<SampleLocations> {
      const rows: (SampleLocations['items'][number] & { updatedAt?: Date })[] = await q()('samples')
        .modify(filtered(user, query))
        .whereNotNull('latitude')
        .whereNotNull('longitude')
        .orderByRaw(orderSql('-updatedAt'))
        .limit(MAX_LOCATIONS + 1)
        .select('id', 'reference', 'status', 'companyName', 'latitude', 'longitude');
      return { items: rows.slice(0, MAX_LOCATIONS), truncated: rows.length > MAX_LOCATIONS };
    },

    /**
     * The export's rows, in batches, through a server-side cursor in a read-only transaction:
     * the result is never held whole in memory. Leaving the loop early closes the cursor.
     */
    async *exportBatches(
      user: ScopedUser,
      query: Omit<ExportSamplesQuery, 'format'>,
      batchSize = 2000,
    ): AsyncGenerator<ExportRow[]> {
      const { sort, ...filters } = query;
      const select = db
        .select(
          's.reference',
          's.status',
          's.programmingPlanId',
          's.context',
          's.legalContext',
          's.regionCode',
          's.departmentCode',
          's.companyName',
          's.companySiret',
          's.companyAddress',
          's.companyPostalCode',
          's.companyCity',
          's.parcel',
          's.latitude',
          's.longitude',
          's.matrixKindCode',
          's.matrixCode',
          's.matrixFreeText',
          's.stage',
          's.partSampled',
          's.cultureKind',
          's.secondSamplerName',
          's.laboratoryId',
          'u.firstName as samplerFirstName',
          'u.lastName as samplerLastName',
          db.raw(
            `to_char(s.sampled_at at time zone 'Europe/Paris', 'DD/MM/YYYY HH24:MI') as sampled_at_text`,
          ),
          db.raw(
            `to_char(s.sent_at at time zone 'Europe/Paris', 'DD/MM/YYYY HH24:MI') as sent_at_text`,
          ),
          db.raw(
            `to_char(s.updated_at at time zone 'Europe/Paris', 'DD/MM/YYYY HH24:MI') as updated_at_text`,
          ),
        )
        .from('samples as s')
        .join('users as u', 'u.id', 's.samplerId')
        .modify(filtered(user, filters, 's.'))
        .orderByRaw(orderSql(sort, 's.'))
        .toSQL();
      const trx = await db.transaction();
      try {
        await trx.raw('set transaction read only');
        await trx.raw(`declare sample_export no scroll cursor for ${select.sql}`, [
          ...select.bindings,
        ]);
        for (;;) {
          const result = (await trx.raw(`fetch ${Math.trunc(batchSize)} from sample_export`)) as {
            rows: ExportRow[];
          };
          if (result.rows.length > 0) yield result.rows;
          if (result.rows.length < batchSize) break;
        }
        await trx.commit();
      } finally {
        if (!trx.isCompleted()) await trx.rollback().catch(() => {});
      }
    },

    /** Laboratory short names and plan names, for the export's labels. */
    async exportLabels(): Promise<{
      laboratories: Map<string, string>;
      plans: Map<string, { kind: string; year: number }>;
    }> {
      const [laboratories, plans] = await queries(
        () =>
          q()('laboratories').select('id', 'shortName') as Promise<
            { id: string; shortName: string }[]
          >,
        () =>
          q()('programmingPlans').select('id', 'kind', 'year') as Promise<
            { id: string; kind: string; year: number }[]
          >,
      );
      return {
        laboratories: new Map(laboratories.map((l) => [l.id, l.shortName])),
        plans: new Map(plans.map((p) => [p.id, { kind: p.kind, year: p.year }])),
      };
    },

    /**
     * Samples taken (every state but draft) per prescription line of a plan: per prescription,
     * region and department. Regional users get their region's, departmental users their
     * department's. 404 when the plan does not exist or is not visible to the user.
     */
    async realisedCounts(user: ScopedUser, planId: string): Promise<RealisedCount[]> {
      const plan = (await q()('programmingPlans')
        .where({ id: planId })
        .first('status', 'distributionKind')) as Parameters<typeof canReadPlan>[1] | undefined;
      if (!plan) throw new NotFoundError('Ce plan de programmation est introuvable.');
      const regionalStatuses = await q()('programmingPlanRegions')
        .where({ planId })
        .select('regionCode', 'status');
      if (!canReadPlan(user, { ...plan, regionalStatuses }))
        throw new NotFoundError('Ce plan de programmation est introuvable.');
      const rows: RealisedCount[] = await q()('samples')
        .whereIn('prescriptionId', q()('prescriptions').where({ planId }).select('id'))
        .whereNot('status', 'Draft')
        .modify((b) => {
          if (user.role === 'RegionalCoordinator' || user.role === 'RegionalObserver')
            b.where('regionCode', user.regionCode ?? '');
          if (
            user.role === 'DepartmentalCoordinator' ||
            user.role === 'DepartmentalObserver' ||
            user.role === 'Sampler'
          )
            b.where('departmentCode', user.departmentCode ?? '');
        })
        .groupBy('prescriptionId', 'regionCode', 'departmentCode')
        .orderBy(['prescriptionId', 'regionCode', 'departmentCode'])
        .select('prescriptionId', 'regionCode', 'departmentCode')
        .count({ count: '*' });
      return rows.map((row) => ({ ...row, count: Number(row.count) }));
    },
  };
}

export type SampleListRepository = ReturnType<typeof createSampleListRepository>;

/** One row of the export, as the cursor returns it. */
export interface ExportRow {
  reference: string;
  status: SampleStatus;
  programmingPlanId: string | null;
  context: string | null;
  legalContext: string | null;
  regionCode: string;
  departmentCode: string | null;
  companyName: string | null;
  companySiret: string | null;
  companyAddress: string | null;
  companyPostalCode: string | null;
  companyCity: string | null;
  parcel: string | null;
  latitude: number | null;
  longitude: number | null;
  matrixKindCode: string | null;
  matrixCode: string | null;
  matrixFreeText: string | null;
  stage: string | null;
  partSampled: string | null;
  cultureKind: string | null;
  secondSamplerName: string | null;
  laboratoryId: string | null;
  samplerFirstName: string;
  samplerLastName: string;
  sampledAtText: string | null;
  sentAtText: string | null;
  updatedAtText: string;
}
