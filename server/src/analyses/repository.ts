import { type Db, executor, queries } from '@maestro/database';
import { copyReference } from '@maestro/shared/domain';
import { type AnalysisMethod, DEFAULT_MRL } from '@maestro/shared/referential';
import {
  type Analysis,
  type AnalysisListItem,
  type AnalysisPage,
  type AnalysisSample,
  type AnalysisStatus,
  AnalysisStatusList,
  type AuthUser,
  type FindAnalysesQuery,
  type NotAdmissibleReason,
  type ReceptionCondition,
  type Residue,
  type ResidueVerdict,
  type ResultSource,
  type ResultVersion,
  RoleScope,
  type SampleStatus,
} from '@maestro/shared/schema';

/** The columns of `analyses` as knex returns them (camelCase). */
export interface AnalysisRow {
  id: string;
  sampleId: string;
  itemNumber: number;
  copyNumber: number;
  laboratoryId: string;
  status: AnalysisStatus;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  counterAnalysis: boolean;
  counterAnalysisReason: string | null;
  receivedAt: Date | null;
  reception: ReceptionCondition | null;
  notAdmissibleReason: NotAdmissibleReason | null;
  notAdmissibleComment: string | null;
  /** 'YYYY-MM-DD' */
  analysedAt: string | null;
  methods: AnalysisMethod[];
  notes: string;
  resultVersion: number;
  submittedAt: Date | null;
  submittedBy: string | null;
  computedCompliant: boolean | null;
  compliant: boolean | null;
  complianceOverridden: boolean;
  reviewComment: string | null;
  reviewedAt: Date | null;
  reviewedBy: string | null;
  reportFileName: string | null;
  reportSize: number | null;
  reportSha256: string | null;
  reportStorageKey: string | null;
  reportUploadedAt: Date | null;
}

/** The row with what the rules need of its sample (scope, references, matrix). */
export interface ScopedAnalysisRow extends AnalysisRow {
  regionCode: string;
  departmentCode: string | null;
  sampleReference: string;
  sampleStatus: SampleStatus;
  samplerId: string;
  matrixCode: string | null;
}

/** One stored residue (columns of `analysis_residues`). */
export interface ResidueRow {
  analysisId: string;
  resultVersion: number;
  residueNumber: number;
  substanceCode: string;
  kind: Residue['kind'];
  value: number | null;
  unit: Residue['unit'];
  loq: number | null;
  mrl: number | null;
  uncertaintyPercent: number | null;
  analytes: Residue['analytes'];
  notes: string;
  arfdExceeded: boolean | null;
  authorisedForUse: boolean | null;
  contaminationSources: string;
  approvedInEu: boolean | null;
  verdict: ResidueVerdict;
}

type ScopedUser = Pick<AuthUser, 'role' | 'regionCode' | 'departmentCode' | 'laboratoryId'>;

/** knex's query builder (the server does not depend on knex directly). */
type QueryBuilder = ReturnType<Db['queryBuilder']>;

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

/**
 * Whether the MRL table changed under a submitted verdict (analyses `a`, samples `s`): a
 * current residue whose MRL the laboratory did not enter was judged against another value than
 * today's table (or the default MRL) gives for its substance × the sample's matrix.
 */
const mrlChangedSql = `(a.status in ('InReview', 'Completed') and exists (
  select 1 from analysis_residues r
  left join mrls m on m.substance_code = r.substance_code and m.matrix_code = s.matrix_code
  where r.analysis_id = a.id and r.result_version = a.result_version and r.mrl is null
    and (r.verdict->>'mrl')::numeric <> coalesce(m.value, ${Number(DEFAULT_MRL)}::numeric)
))`;

const scopedColumns = [
  'a.*',
  's.regionCode',
  's.departmentCode',
  's.reference as sampleReference',
  's.status as sampleStatus',
  's.samplerId',
  's.matrixCode',
];

/** What the detail adds to the scoped row. */
interface DetailRow extends ScopedAnalysisRow {
  sampleProgrammingPlanId: string | null;
  sampleContext: string | null;
  sampleMatrixKindCode: string | null;
  sampleMatrixFreeText: string | null;
  sampleStage: string | null;
  sampleSampledAt: Date | null;
  sampleSentAt: Date | null;
  sampleSubstances: AnalysisSample['substances'];
  sampleCompliant: boolean | null;
  reviewerFirstName: string | null;
  reviewerLastName: string | null;
  resultSource: ResultSource | null;
  mrlChanged: boolean;
}

function toResidue(row: ResidueRow): Residue {
  return {
    residueNumber: row.residueNumber,
    substanceCode: row.substanceCode,
    kind: row.kind,
    value: row.value,
    unit: row.unit,
    loq: row.loq,
    mrl: row.mrl,
    uncertaintyPercent: row.uncertaintyPercent,
    analytes: row.analytes ?? [],
    notes: row.notes,
    arfdExceeded: row.arfdExceeded,
    authorisedForUse: row.authorisedForUse,
    contaminationSources: row.contaminationSources,
    approvedInEu: row.approvedInEu,
    verdict: row.verdict,
  };
}

function toAnalysis(row: DetailRow, residues: ResidueRow[]): Analysis {
  return {
    id: row.id,
    sample: {
      id: row.sampleId,
      reference: row.sampleReference,
      status: row.sampleStatus,
      regionCode: row.regionCode,
      departmentCode: row.departmentCode,
      programmingPlanId: row.sampleProgrammingPlanId,
      context: row.sampleContext,
      matrixKindCode: row.sampleMatrixKindCode,
      matrixCode: row.matrixCode,
      matrixFreeText: row.sampleMatrixFreeText,
      stage: row.sampleStage,
      sampledAt: iso(row.sampleSampledAt),
      sentAt: iso(row.sampleSentAt),
      substances: row.sampleSubstances ?? [],
      compliant: row.sampleCompliant,
    },
    itemNumber: row.itemNumber,
    copyNumber: row.copyNumber,
    copyReference: copyReference(row.sampleReference, row.itemNumber, row.copyNumber),
    laboratoryId: row.laboratoryId,
    counterAnalysis: row.counterAnalysis,
    counterAnalysisReason: row.counterAnalysisReason,
    status: row.status,
    version: row.version,
    receivedAt: iso(row.receivedAt),
    reception: row.reception,
    notAdmissibleReason: row.notAdmissibleReason,
    notAdmissibleComment: row.notAdmissibleComment,
    analysedAt: row.analysedAt,
    methods: row.methods ?? [],
    notes: row.notes,
    resultVersion: row.resultVersion,
    resultSource: row.resultSource,
    residues: residues.map(toResidue),
    submittedAt: iso(row.submittedAt),
    computedCompliant: row.computedCompliant,
    compliant: row.compliant,
    complianceOverridden: row.complianceOverridden,
    reviewComment: row.reviewComment,
    reviewedAt: iso(row.reviewedAt),
    reviewerName: row.reviewerFirstName
      ? `${row.reviewerFirstName} ${row.reviewerLastName ?? ''}`.trim()
      : null,
    mrlChanged: row.mrlChanged,
    report:
      row.reportStorageKey && row.reportFileName && row.reportUploadedAt
        ? {
            fileName: row.reportFileName,
            size: row.reportSize ?? 0,
            sha256: row.reportSha256 ?? '',
            uploadedAt: iso(row.reportUploadedAt) ?? '',
          }
        : null,
    createdAt: iso(row.createdAt) ?? '',
    updatedAt: iso(row.updatedAt) ?? '',
  };
}

/** `API — <token name>` when a laboratory's token acted, else the user's name. */
const authorName = (row: {
  firstName?: string | null;
  lastName?: string | null;
  labTokenName?: string | null;
}): string | null =>
  row.labTokenName
    ? `API — ${row.labTokenName}`
    : row.firstName
      ? `${row.firstName} ${row.lastName ?? ''}`.trim()
      : null;

/** The analyses a user may see (the same rule as `canReadAnalysis`), on `analyses a` × `samples s`. */
function applyAnalysisScope(builder: QueryBuilder, user: ScopedUser): void {
  const none = () => builder.whereRaw('false');
  switch (user.role) {
    case 'Administrator':
    case 'NationalCoordinator':
    case 'NationalObserver':
      return;
    case 'RegionalCoordinator':
    case 'RegionalObserver':
      if (!user.regionCode) return void none();
      builder.where('s.regionCode', user.regionCode);
      return;
    case 'DepartmentalCoordinator':
    case 'DepartmentalObserver':
    case 'Sampler':
      if (!user.departmentCode) return void none();
      builder.where('s.departmentCode', user.departmentCode);
      return;
    case 'LaboratoryUser':
      if (!user.laboratoryId) return void none();
      builder.where('a.laboratoryId', user.laboratoryId);
      return;
  }
}

const likePrefix = (value: string) => `${value.replace(/[\\%_]/g, '\\$&')}%`;

/** The filters of the list and of the export (page apart). */
export type AnalysisFilters = Omit<FindAnalysesQuery, 'page' | 'perPage'>;

/**
 * The analyses a user may see with these filters, on `analyses a` × `samples s`: the list's
 * page and counts, and the export, answer the same rows.
 */
export function applyAnalysisFilters(
  builder: QueryBuilder,
  user: ScopedUser,
  filters: AnalysisFilters,
): void {
  applyAnalysisScope(builder, user);
  if (filters.status && filters.status.length > 0) builder.whereIn('a.status', filters.status);
  if (filters.laboratoryId) builder.where('a.laboratoryId', filters.laboratoryId);
  if (filters.regionCode) builder.where('s.regionCode', filters.regionCode);
  if (filters.departmentCode) builder.where('s.departmentCode', filters.departmentCode);
  if (filters.compliant !== undefined) builder.where('a.compliant', filters.compliant);
  if (filters.reference) {
    const pattern = likePrefix(filters.reference);
    builder.where((b) =>
      b
        .where('s.reference', 'ilike', pattern)
        .orWhereRaw(
          `(s.reference || '-' || chr(64 + a.item_number) || '-' || a.copy_number) ilike ?`,
          [pattern],
        ),
    );
  }
}

export function createAnalysisRepository(db: Db) {
  const q = () => executor(db);

  /** The detailed rows (analyses `a`, samples `s`), not yet run. */
  const detail = () =>
    q()('analyses as a')
      .join('samples as s', 's.id', 'a.sampleId')
      .leftJoin('users as rv', 'rv.id', 'a.reviewedBy')
      .leftJoin('analysisResultVersions as v', (join) =>
        join.on('v.analysisId', '=', 'a.id').andOn('v.resultVersion', '=', 'a.resultVersion'),
      )
      .select(
        ...scopedColumns,
        's.programmingPlanId as sampleProgrammingPlanId',
        's.context as sampleContext',
        's.matrixKindCode as sampleMatrixKindCode',
        's.matrixFreeText as sampleMatrixFreeText',
        's.stage as sampleStage',
        's.sampledAt as sampleSampledAt',
        's.sentAt as sampleSentAt',
        's.substances as sampleSubstances',
        's.compliant as sampleCompliant',
        'rv.firstName as reviewerFirstName',
        'rv.lastName as reviewerLastName',
        'v.source as resultSource',
        q().raw(`${mrlChangedSql} as mrl_changed`),
      );

  async function residuesOf(pairs: [string, number][]): Promise<ResidueRow[]> {
    const wanted = pairs.filter(([, version]) => version > 0);
    if (wanted.length === 0) return [];
    return q()('analysisResidues')
      .whereIn(['analysisId', 'resultVersion'], wanted)
      .orderBy(['analysisId', 'resultVersion', 'residueNumber']);
  }

  async function assemble(rows: DetailRow[]): Promise<Analysis[]> {
    const residues = await residuesOf(rows.map((row) => [row.id, row.resultVersion]));
    return rows.map((row) =>
      toAnalysis(
        row,
        residues.filter((r) => r.analysisId === row.id && r.resultVersion === row.resultVersion),
      ),
    );
  }

  return {
    /** The analysis with its sample's scope, or null; `forUpdate` locks the analysis row. */
    async findRow(
      id: string,
      options: { forUpdate?: boolean } = {},
    ): Promise<ScopedAnalysisRow | null> {
      const query = q()('analyses as a')
        .join('samples as s', 's.id', 'a.sampleId')
        .where('a.id', id)
        .first(scopedColumns);
      if (options.forUpdate) query.forUpdate('a');
      return ((await query) as ScopedAnalysisRow | undefined) ?? null;
    },

    async find(id: string): Promise<Analysis | null> {
      const row = (await detail().where('a.id', id).first()) as DetailRow | undefined;
      if (!row) return null;
      const [analysis] = await assemble([row]);
      return analysis ?? null;
    },

    /** Every analysis of a sample, copy order, counter-analyses after. */
    async findBySample(sampleId: string): Promise<Analysis[]> {
      const rows = (await detail()
        .where('a.sampleId', sampleId)
        .orderBy([
          { column: 'a.counterAnalysis' },
          { column: 'a.itemNumber' },
          { column: 'a.copyNumber' },
          { column: 'a.createdAt' },
        ])) as DetailRow[];
      return assemble(rows);
    },

    /** One page of the analyses a user may see, and the counts per status. */
    async findPage(user: ScopedUser, query: FindAnalysesQuery): Promise<AnalysisPage> {
      const { page, perPage, status, ...filters } = query;
      // every filter but the status, which the counts per status leave out
      const filtered = (builder: QueryBuilder) => applyAnalysisFilters(builder, user, filters);
      const base = () => q()('analyses as a').join('samples as s', 's.id', 'a.sampleId');
      // Every analysis has its sample: the counts join the samples only when the scope or a
      // filter is on their columns (a laboratory's counts, else, join 100,000s of rows for nothing).
      const scope = RoleScope[user.role];
      const countsNeedSamples =
        scope === 'Region' ||
        scope === 'Department' ||
        Boolean(filters.regionCode || filters.departmentCode || filters.reference);
      const countsBase = () => (countsNeedSamples ? base() : q()('analyses as a'));
      const [rows, counts] = await queries(
        () =>
          base()
            .modify(filtered)
            .modify((b) => {
              if (status && status.length > 0) b.whereIn('a.status', status);
            })
            .orderBy([
              { column: 'a.updatedAt', order: 'desc' },
              { column: 'a.id', order: 'desc' },
            ])
            .limit(perPage)
            .offset((page - 1) * perPage)
            .select(
              'a.id',
              'a.sampleId',
              's.reference as sampleReference',
              'a.itemNumber',
              'a.copyNumber',
              'a.status',
              'a.laboratoryId',
              's.regionCode',
              's.departmentCode',
              's.matrixCode',
              's.matrixFreeText',
              's.sampledAt',
              's.sentAt',
              'a.receivedAt',
              'a.submittedAt',
              'a.compliant',
              'a.counterAnalysis',
              'a.updatedAt',
              q().raw(`${mrlChangedSql} as mrl_changed`),
            ) as Promise<
            (Omit<
              AnalysisListItem,
              'copyReference' | 'sampledAt' | 'sentAt' | 'receivedAt' | 'submittedAt' | 'updatedAt'
            > & {
              itemNumber: number;
              copyNumber: number;
              sampledAt: Date | null;
              sentAt: Date | null;
              receivedAt: Date | null;
              submittedAt: Date | null;
              updatedAt: Date;
            })[]
          >,
        () =>
          countsBase()
            .modify(filtered)
            .groupBy('a.status')
            .select('a.status')
            .count({ count: '*' }) as unknown as Promise<{ status: string; count: number }[]>,
      );
      const statusCounts = Object.fromEntries(
        AnalysisStatusList.map((s) => [
          s,
          Number(counts.find((row) => row.status === s)?.count ?? 0),
        ]),
      ) as Record<AnalysisStatus, number>;
      const total = AnalysisStatusList.reduce(
        (sum, s) =>
          !status || status.length === 0 || status.includes(s) ? sum + statusCounts[s] : sum,
        0,
      );
      return {
        items: rows.map(({ itemNumber, copyNumber, ...row }) => ({
          ...row,
          copyReference: copyReference(row.sampleReference, itemNumber, copyNumber),
          sampledAt: iso(row.sampledAt),
          sentAt: iso(row.sentAt),
          receivedAt: iso(row.receivedAt),
          submittedAt: iso(row.submittedAt),
          updatedAt: iso(row.updatedAt) ?? '',
        })),
        total,
        page,
        perPage,
        statusCounts,
      };
    },

    /** Every version of the results, the most recent first, each with its residues. */
    async versions(analysisId: string): Promise<ResultVersion[]> {
      const [versions, residues] = await queries(
        () =>
          q()('analysisResultVersions as v')
            .leftJoin('users as u', 'u.id', 'v.createdBy')
            .leftJoin('labTokens as t', 't.id', 'v.labTokenId')
            .where('v.analysisId', analysisId)
            .orderBy('v.resultVersion', 'desc')
            .select(
              'v.resultVersion',
              'v.source',
              'v.reason',
              'v.createdAt',
              'v.importId',
              'v.computedCompliant',
              'u.firstName',
              'u.lastName',
              't.name as labTokenName',
            ) as Promise<
            {
              resultVersion: number;
              source: ResultSource;
              reason: string | null;
              createdAt: Date;
              importId: string | null;
              computedCompliant: boolean | null;
              firstName: string | null;
              lastName: string | null;
              labTokenName: string | null;
            }[]
          >,
        () =>
          q()('analysisResidues')
            .where({ analysisId })
            .orderBy(['resultVersion', 'residueNumber']) as Promise<ResidueRow[]>,
      );
      return versions.map((v) => ({
        resultVersion: v.resultVersion,
        source: v.source,
        reason: v.reason,
        createdAt: iso(v.createdAt) ?? '',
        authorName: authorName(v),
        importId: v.importId,
        computedCompliant: v.computedCompliant,
        residues: residues.filter((r) => r.resultVersion === v.resultVersion).map(toResidue),
      }));
    },

    async residues(analysisId: string, resultVersion: number): Promise<ResidueRow[]> {
      return residuesOf([[analysisId, resultVersion]]);
    },

    /** Updates the analysis, bumping its version; false when the version is stale. */
    async update(id: string, version: number, values: Record<string, unknown>): Promise<boolean> {
      const count = await q()('analyses')
        .where({ id, version })
        .update({ ...values, version: version + 1, updatedAt: q().fn.now() });
      return count === 1;
    },

    async insert(values: Record<string, unknown>): Promise<string> {
      const [row] = await q()('analyses').insert(values).returning('id');
      return (row as { id: string }).id;
    },

    /** Creates a version row, or refreshes it when it exists (a draft saved again). */
    async saveVersion(values: {
      analysisId: string;
      resultVersion: number;
      source: ResultSource;
      reason: string | null;
      createdBy: string | null;
      labTokenId: string | null;
      importId: string | null;
      computedCompliant: boolean | null;
    }): Promise<void> {
      await q()('analysisResultVersions')
        .insert(values)
        .onConflict(['analysisId', 'resultVersion'])
        .merge({
          source: values.source,
          reason: values.reason,
          createdBy: values.createdBy,
          labTokenId: values.labTokenId,
          importId: values.importId,
          computedCompliant: values.computedCompliant,
          createdAt: q().fn.now(),
        });
    },

    async setVersionVerdict(
      analysisId: string,
      resultVersion: number,
      computedCompliant: boolean | null,
    ) {
      await q()('analysisResultVersions')
        .where({ analysisId, resultVersion })
        .update({ computedCompliant });
    },

    /** Replaces the residues of one version. */
    async replaceResidues(
      analysisId: string,
      resultVersion: number,
      residues: Omit<ResidueRow, 'analysisId' | 'resultVersion'>[],
    ): Promise<void> {
      await q()('analysisResidues').where({ analysisId, resultVersion }).delete();
      if (residues.length === 0) return;
      await q()('analysisResidues').insert(
        residues.map((residue) => ({
          ...residue,
          analysisId,
          resultVersion,
          analytes: JSON.stringify(residue.analytes),
          verdict: JSON.stringify(residue.verdict),
        })),
      );
    },

    async setResidueVerdict(
      analysisId: string,
      resultVersion: number,
      residueNumber: number,
      verdict: ResidueVerdict,
    ): Promise<void> {
      await q()('analysisResidues')
        .where({ analysisId, resultVersion, residueNumber })
        .update({ verdict: JSON.stringify(verdict) });
    },

    /** Today's MRLs of these substances for a matrix (none without a matrix). */
    async mrls(
      matrixCode: string | null,
      substanceCodes: string[],
    ): Promise<Map<string, { value: number; source: string }>> {
      if (!matrixCode || substanceCodes.length === 0) return new Map();
      const rows: { substanceCode: string; value: number; source: string }[] = await q()('mrls')
        .where({ matrixCode })
        .whereIn('substanceCode', substanceCodes)
        .select('substanceCode', 'value', 'source');
      return new Map(
        rows.map((row) => [row.substanceCode, { value: Number(row.value), source: row.source }]),
      );
    },

    async mrlsOfMatrix(matrixCode: string) {
      const rows: { substanceCode: string; matrixCode: string; value: number; source: string }[] =
        await q()('mrls')
          .where({ matrixCode })
          .orderBy('substanceCode')
          .select('substanceCode', 'matrixCode', 'value', 'source');
      return rows.map((row) => ({ ...row, value: Number(row.value) }));
    },

    /** The substances among these codes, with whether they are approved in the EU. */
    async substances(codes: string[]): Promise<Map<string, { approvedInEu: boolean }>> {
      if (codes.length === 0) return new Map();
      const rows: { code: string; approvedInEu: boolean }[] = await q()('substances')
        .whereIn('code', codes)
        .select('code', 'approvedInEu');
      return new Map(rows.map((row) => [row.code, { approvedInEu: row.approvedInEu }]));
    },

    /** The state of a sample's primary analyses (not the counter-analyses). */
    async primaryStates(
      sampleId: string,
    ): Promise<{ status: AnalysisStatus; compliant: boolean | null }[]> {
      return q()('analyses')
        .where({ sampleId, counterAnalysis: false })
        .orderBy(['itemNumber', 'copyNumber'])
        .select('status', 'compliant');
    },

    /** Whether an analysis of that copy exists already. */
    async copyTaken(sampleId: string, itemNumber: number, copyNumber: number): Promise<boolean> {
      const row = await q()('analyses').where({ sampleId, itemNumber, copyNumber }).first('id');
      return Boolean(row);
    },

    /** The laboratory of the primary analysis of an item (copy 1). */
    async primaryLaboratory(sampleId: string, itemNumber: number): Promise<string | null> {
      const row = await q()('analyses')
        .where({ sampleId, itemNumber, counterAnalysis: false })
        .first('laboratoryId');
      return (row as { laboratoryId: string } | undefined)?.laboratoryId ?? null;
    },

    async itemCopyExists(sampleId: string, itemNumber: number, copyNumber: number) {
      const row = await q()('sampleItems')
        .where({ sampleId, itemNumber, copyNumber })
        .first('sampleId');
      return Boolean(row);
    },

    async laboratoryExists(id: string): Promise<boolean> {
      return Boolean(await q()('laboratories').where({ id }).first('id'));
    },
  };
}

export type AnalysisRepository = ReturnType<typeof createAnalysisRepository>;
