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
import { RoleScope, SampleStatusList } from '@maestro/shared/schema';
import { NotFoundError } from '../http/errors';

/**
 * The sample list's queries: scoped to what the user may see, filtered, sorted, paginated on the
 * sample table first (every filter has an index, see migrations 004 and 006), with the sampler's
 * name joined for the page's rows only.
 *
 * The counts per status (and so the total) come from the counts tables kept exact by triggers
 * (`sample_region_counts`, `sample_counts`, migration 006) whenever the filters are among their
 * columns; otherwise from the samples themselves, which the other filters (matrix, sampler,
 * dates, text) narrow down first. The page and the counts travel in one statement.
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

/** The samples whose kept copy a laboratory analyses for a counter-analysis (a sub-query). */
const counterAnalysedBy = (laboratoryId: string) => (sub: QueryBuilder) =>
  sub
    .from('analyses')
    .where({ 'analyses.laboratoryId': laboratoryId, 'analyses.counterAnalysis': true })
    .select('analyses.sampleId');

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
    case 'LaboratoryUser': {
      // The samples sent to it (their laboratory never changes once sent), and those whose kept
      // copy it analyses for a counter-analysis (few: a hashed sub-plan).
      const laboratoryId = user.laboratoryId;
      if (!laboratoryId) return void none();
      builder
        .whereNotIn(`${t}status`, NOT_SENT)
        .where((scope) =>
          scope
            .where(`${t}laboratoryId`, laboratoryId)
            .orWhereIn(`${t}id`, counterAnalysedBy(laboratoryId)),
        );
      return;
    }
  }
}

/** The filters each counts table can answer (the status always). */
const countsTables = {
  /** per (plan, region, status) */
  sampleRegionCounts: ['programmingPlanId', 'regionCode', 'status'],
  /** per (plan, region, department, laboratory, status) */
  sampleCounts: ['programmingPlanId', 'regionCode', 'departmentCode', 'laboratoryId', 'status'],
} as const;

const onlyFilters = (filters: SampleFilters, allowed: readonly string[]) =>
  (Object.keys(filters) as (keyof SampleFilters)[]).every(
    (key) => filters[key] === undefined || allowed.includes(key),
  );

/**
 * Where the counts per status of these filters and this user are read: the smallest counts
 * table that has every column they need, else the samples themselves.
 */
export function countsSource(
  user: Pick<ScopedUser, 'role'>,
  filters: SampleFilters,
): 'sampleRegionCounts' | 'sampleCounts' | 'samples' {
  // A laboratory's counts: those of its laboratory column, plus its counter-analyses' samples
  // (see `countsQuery`).
  if (user.role === 'LaboratoryUser')
    return onlyFilters(filters, countsTables.sampleCounts) ? 'sampleCounts' : 'samples';
  const scope = RoleScope[user.role];
  if (
    (scope === 'National' || scope === 'Region') &&
    onlyFilters(filters, countsTables.sampleRegionCounts)
  )
    return 'sampleRegionCounts';
  if (onlyFilters(filters, countsTables.sampleCounts)) return 'sampleCounts';
  return 'samples';
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
  if (filters.compliant !== undefined) builder.where(`${t}compliant`, filters.compliant);
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
  'compliant',
];

/** A timestamp as `toISOString` writes it (UTC, milliseconds, `Z`). */
const isoSql = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * One row of the list as JSON, built by PostgreSQL from the page's rows (`s`) and their
 * sampler (`u`): the page travels as one value, with no row-by-row work in Node.
 */
const listItemJson = `json_build_object(
  'id', s.id, 'reference', s.reference, 'status', s.status, 'step', s.step,
  'programmingPlanId', s.programming_plan_id, 'context', s.context, 'regionCode', s.region_code,
  'departmentCode', s.department_code, 'matrixKindCode', s.matrix_kind_code,
  'matrixCode', s.matrix_code, 'matrixFreeText', s.matrix_free_text,
  'companyName', s.company_name, 'companySiret', s.company_siret,
  'sampledAt', ${isoSql('s.sampled_at')}, 'laboratoryId', s.laboratory_id,
  'sampler', json_build_object('id', u.id, 'firstName', u.first_name, 'lastName', u.last_name),
  'updatedAt', ${isoSql('s.updated_at')}, 'compliant', s.compliant
)`;

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

  /** `status, count` per status with every filter but the status (not run). */
  function countsQuery(user: ScopedUser, filters: SampleFilters): QueryBuilder {
    const where = (b: QueryBuilder) => {
      applyScope(b, user);
      applyFilters(b, filters, { withStatus: false });
    };
    const source = countsSource(user, filters);
    if (user.role === 'LaboratoryUser' && user.laboratoryId && source === 'sampleCounts') {
      // The samples sent to the laboratory, from the counts table; and the samples of other
      // laboratories whose kept copy it analyses, from the samples.
      const laboratoryId = user.laboratoryId;
      const sent = q()('sampleCounts')
        .where({ laboratoryId })
        .whereNotIn('status', NOT_SENT)
        .modify((b) => applyFilters(b, filters, { withStatus: false }))
        .select('status', 'count');
      const counter = q()('samples')
        .whereNotIn('status', NOT_SENT)
        .whereNot('laboratoryId', laboratoryId)
        .whereIn('id', counterAnalysedBy(laboratoryId))
        .modify((b) => applyFilters(b, filters, { withStatus: false }))
        .groupBy('status')
        .select('status')
        .count({ count: '*' });
      return q()
        .from(sent.unionAll(counter, true).as('c'))
        .groupBy('c.status')
        .select('c.status')
        .sum({ count: 'c.count' });
    }
    return source === 'samples'
      ? q()('samples').modify(where).groupBy('status').select('status').count({ count: '*' })
      : q()(source).modify(where).groupBy('status').select('status').sum({ count: 'count' });
  }

  const countsOf = (rows: Partial<Record<string, number>> | null) => {
    const counts = zeroCounts();
    for (const status of SampleStatusList) counts[status] = Number(rows?.[status] ?? 0);
    return counts;
  };

  return {
    async statusCounts(
      user: ScopedUser,
      filters: SampleFilters,
    ): Promise<Record<SampleStatus, number>> {
      const rows: { status: string; count: number }[] = await countsQuery(user, filters);
      return countsOf(Object.fromEntries(rows.map((row) => [row.status, Number(row.count)])));
    },

    /**
     * One page of the list and the counts per status, in one statement (one round trip): the
     * page is cut from the samples first, then joined to the samplers of its rows only.
     */
    async findPage(user: ScopedUser, query: FindSamplesQuery): Promise<SamplePage> {
      const { sort, page, perPage, ...filters } = query;
      const inner = q()('samples')
        .select(listColumns)
        .modify(filtered(user, filters))
        .orderByRaw(orderSql(sort))
        .limit(perPage)
        .offset((page - 1) * perPage);
      const result = (await q().raw(
        `select
          (select coalesce(json_agg(${listItemJson} order by ${orderSql(sort, 's.')}), '[]'::json)
            from ? s join users u on u.id = s.sampler_id) as items,
          (select json_object_agg(c.status, c.count) from ? c) as counts`,
        [inner, countsQuery(user, filters)],
      )) as { rows: { items: SampleListItem[]; counts: Record<string, number> | null }[] };
      const row = result.rows[0];
      const counts = countsOf(row?.counts ?? null);
      const selected = filters.status && filters.status.length > 0 ? filters.status : null;
      const total = SampleStatusList.reduce(
        (sum, status) =>
          selected === null || selected.includes(status) ? sum + counts[status] : sum,
        0,
      );
      return { items: row?.items ?? [], total, page, perPage, statusCounts: counts };
    },

    async findLocations(
      user: ScopedUser,
      query: FindSampleLocationsQuery,
    ): Promise<SampleLocations> {
      const rows: SampleLocations['items'] = await q()('samples')
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
          's.compliant',
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
  /** The sample's verdict once every analysis is decided. */
  compliant: boolean | null;
  samplerFirstName: string;
  samplerLastName: string;
  sampledAtText: string | null;
  sentAtText: string | null;
  updatedAtText: string;
}
