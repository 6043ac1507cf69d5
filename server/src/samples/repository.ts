import { type Db, executor, queries } from '@maestro/database';
import type {
  GeolocationSource,
  Sample,
  SampleAttachment,
  SampleContent,
  SampleCopy,
  SampleItem,
  SampleStatus,
} from '@maestro/shared/schema';

/** The columns of `samples` as knex returns them (camelCase). */
export interface SampleRow {
  id: string;
  reference: string;
  status: SampleStatus;
  step: SampleContent['step'];
  programmingPlanId: string | null;
  prescriptionId: string | null;
  context: SampleContent['context'];
  outOfProgrammeReason: string | null;
  legalContext: SampleContent['legalContext'];
  companySiret: string | null;
  companyName: string | null;
  companyAddress: string | null;
  companyPostalCode: string | null;
  companyCity: string | null;
  companyNafCode: string | null;
  parcel: string | null;
  latitude: number | null;
  longitude: number | null;
  geolocationAccuracy: number | null;
  geolocationSource: GeolocationSource | null;
  geolocationCapturedAt: Date | null;
  regionCode: string;
  departmentCode: SampleContent['departmentCode'];
  samplerId: string;
  secondSamplerName: string | null;
  inspectionId: string | null;
  contextNotes: string | null;
  matrixKindCode: string | null;
  matrixCode: string | null;
  matrixFreeText: string | null;
  stage: SampleContent['stage'];
  partSampled: SampleContent['partSampled'];
  cultureKind: SampleContent['cultureKind'];
  matrixNotes: string | null;
  substances: SampleContent['substances'];
  sampledAt: Date | null;
  laboratoryId: string | null;
  ownerConsent: boolean | null;
  ownerStatement: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  creationHash: string;
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
  sentAt: Date | null;
  compliant: boolean | null;
}

interface ItemRow {
  sampleId: string;
  itemNumber: number;
  copyNumber: number;
  quantity: number | null;
  unit: SampleCopy['unit'];
  sealNumber: string | null;
  compliant200263: boolean | null;
  recipient: SampleCopy['recipient'];
}

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

/** The columns a record's content is written to (everything the agent types). */
export function contentColumns(content: SampleContent) {
  return {
    step: content.step,
    programmingPlanId: content.programmingPlanId,
    prescriptionId: content.prescriptionId,
    context: content.context,
    outOfProgrammeReason: content.outOfProgrammeReason,
    legalContext: content.legalContext,
    companySiret: content.company?.siret ?? null,
    companyName: content.company?.name ?? null,
    companyAddress: content.company?.address ?? null,
    companyPostalCode: content.company?.postalCode ?? null,
    companyCity: content.company?.city ?? null,
    companyNafCode: content.company?.nafCode ?? null,
    parcel: content.parcel,
    latitude: content.geolocation?.latitude ?? null,
    longitude: content.geolocation?.longitude ?? null,
    geolocationAccuracy: content.geolocation?.accuracy ?? null,
    geolocationSource: content.geolocation?.source ?? null,
    geolocationCapturedAt: content.geolocation?.capturedAt ?? null,
    departmentCode: content.departmentCode,
    secondSamplerName: content.secondSamplerName,
    inspectionId: content.inspectionId,
    contextNotes: content.contextNotes,
    matrixKindCode: content.matrixKindCode,
    matrixCode: content.matrixCode,
    matrixFreeText: content.matrixFreeText,
    stage: content.stage,
    partSampled: content.partSampled,
    cultureKind: content.cultureKind,
    matrixNotes: content.matrixNotes,
    substances: JSON.stringify(content.substances),
    sampledAt: content.sampledAt,
    laboratoryId: content.laboratoryId,
    ownerConsent: content.ownerConsent,
    ownerStatement: content.ownerStatement,
    ownerName: content.ownerName,
    ownerEmail: content.ownerEmail,
  };
}

function itemsOf(rows: ItemRow[]): SampleItem[] {
  const items = new Map<number, SampleItem>();
  for (const row of rows) {
    let item = items.get(row.itemNumber);
    if (!item) {
      item = { itemNumber: row.itemNumber, copies: [] };
      items.set(row.itemNumber, item);
    }
    item.copies.push({
      copyNumber: row.copyNumber,
      quantity: row.quantity,
      unit: row.unit,
      sealNumber: row.sealNumber,
      compliant200263: row.compliant200263,
      recipient: row.recipient,
    });
  }
  return [...items.values()]
    .sort((a, b) => a.itemNumber - b.itemNumber)
    .map((item) => ({ ...item, copies: item.copies.sort((a, b) => a.copyNumber - b.copyNumber) }));
}

export function toSample(
  row: SampleRow,
  items: ItemRow[],
  sampler: Sample['sampler'],
  attachmentCount: number,
): Sample {
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    step: row.step,
    programmingPlanId: row.programmingPlanId,
    prescriptionId: row.prescriptionId,
    context: row.context,
    outOfProgrammeReason: row.outOfProgrammeReason,
    legalContext: row.legalContext,
    company:
      row.companyName === null
        ? null
        : {
            siret: row.companySiret,
            name: row.companyName,
            address: row.companyAddress,
            postalCode: row.companyPostalCode,
            city: row.companyCity,
            nafCode: row.companyNafCode,
          },
    parcel: row.parcel,
    geolocation:
      row.latitude === null || row.longitude === null
        ? null
        : {
            latitude: row.latitude,
            longitude: row.longitude,
            accuracy: row.geolocationAccuracy,
            source: row.geolocationSource ?? 'Manual',
            capturedAt: iso(row.geolocationCapturedAt) ?? iso(row.createdAt) ?? '',
          },
    regionCode: row.regionCode,
    departmentCode: row.departmentCode,
    secondSamplerName: row.secondSamplerName,
    inspectionId: row.inspectionId,
    contextNotes: row.contextNotes,
    matrixKindCode: row.matrixKindCode,
    matrixCode: row.matrixCode,
    matrixFreeText: row.matrixFreeText,
    stage: row.stage,
    partSampled: row.partSampled,
    cultureKind: row.cultureKind,
    matrixNotes: row.matrixNotes,
    substances: row.substances,
    sampledAt: iso(row.sampledAt),
    laboratoryId: row.laboratoryId,
    items: itemsOf(items),
    ownerConsent: row.ownerConsent,
    ownerStatement: row.ownerStatement,
    ownerName: row.ownerName,
    ownerEmail: row.ownerEmail,
    sampler,
    version: row.version,
    createdAt: iso(row.createdAt) ?? '',
    updatedAt: iso(row.updatedAt) ?? '',
    submittedAt: iso(row.submittedAt),
    sentAt: iso(row.sentAt),
    attachmentCount,
    compliant: row.compliant ?? null,
  };
}

export function createSampleRepository(db: Db) {
  const q = () => executor(db);
  return {
    async findRow(id: string, options: { forUpdate?: boolean } = {}): Promise<SampleRow | null> {
      const query = q()('samples').where({ id }).first();
      if (options.forUpdate) query.forUpdate();
      return ((await query) as SampleRow | undefined) ?? null;
    },

    /** The full sample, or null. */
    async find(id: string): Promise<Sample | null> {
      const row = (await q()('samples').where({ id }).first()) as SampleRow | undefined;
      if (!row) return null;
      // One after the other inside a transaction (submit, send): its connection runs one query.
      const [items, sampler, attachments] = await queries(
        () => q()('sampleItems').where({ sampleId: id }) as Promise<ItemRow[]>,
        () => q()('users').where({ id: row.samplerId }).first('id', 'firstName', 'lastName'),
        () =>
          q()('sampleAttachments').where({ sampleId: id }).count<{ count: number }[]>('* as count'),
      );
      return toSample(row, items, sampler, Number(attachments[0]?.count ?? 0));
    },

    /** The next national serial of a year: one row per year, locked until the transaction ends. */
    async nextSerial(year: number): Promise<number> {
      const result = await q().raw(
        `insert into sample_reference_counters (year, last_serial) values (?, 1)
         on conflict (year) do update set last_serial = sample_reference_counters.last_serial + 1
         returning last_serial as serial`,
        [year],
      );
      return Number(result.rows[0].serial);
    },

    async insert(values: Record<string, unknown>): Promise<void> {
      await q()('samples').insert(values);
    },

    /** Updates a sample when its version matches; false when stale. */
    async update(id: string, version: number, values: Record<string, unknown>): Promise<boolean> {
      const count = await q()('samples')
        .where({ id, version })
        .update({ ...values, version: version + 1, updatedAt: q().fn.now() });
      return count === 1;
    },

    async replaceItems(sampleId: string, items: SampleItem[]): Promise<void> {
      await q()('sampleItems').where({ sampleId }).delete();
      const rows = items.flatMap((item) =>
        item.copies.map((copy) => ({
          sampleId,
          itemNumber: item.itemNumber,
          copyNumber: copy.copyNumber,
          quantity: copy.quantity,
          unit: copy.unit,
          sealNumber: copy.sealNumber,
          compliant200263: copy.compliant200263,
          recipient: copy.recipient,
        })),
      );
      if (rows.length > 0) await q()('sampleItems').insert(rows);
    },

    async delete(id: string): Promise<void> {
      await q()('samples').where({ id }).delete();
    },

    async openAnalyses(sampleId: string, laboratoryId: string, itemNumbers: number[]) {
      if (itemNumbers.length === 0) return;
      await q()('analyses')
        .insert(itemNumbers.map((itemNumber) => ({ sampleId, itemNumber, laboratoryId })))
        .onConflict(['sampleId', 'itemNumber', 'copyNumber'])
        .ignore();
    },

    /** The laboratories the sample's analyses are addressed to. */
    async analysisLaboratoryIds(sampleId: string): Promise<string[]> {
      const rows: { laboratoryId: string }[] = await q()('analyses')
        .where({ sampleId })
        .distinct('laboratoryId');
      return rows.map((row) => row.laboratoryId);
    },

    async findAttachments(
      sampleId: string,
    ): Promise<(SampleAttachment & { storageKey: string })[]> {
      const rows = await q()('sampleAttachments').where({ sampleId }).orderBy('createdAt');
      return rows.map((row: Record<string, unknown>) => ({
        ...(row as SampleAttachment & { storageKey: string }),
        createdAt: iso(row.createdAt as Date) ?? '',
      }));
    },

    async findAttachment(sampleId: string, id: string) {
      const row = await q()('sampleAttachments').where({ sampleId, id }).first();
      return row
        ? ({ ...row, createdAt: iso(row.createdAt) } as SampleAttachment & { storageKey: string })
        : null;
    },

    async findAttachmentByKey(sampleId: string, fileName: string, sha256: string) {
      const row = await q()('sampleAttachments').where({ sampleId, fileName, sha256 }).first();
      return row
        ? ({ ...row, createdAt: iso(row.createdAt) } as SampleAttachment & { storageKey: string })
        : null;
    },

    async countAttachments(sampleId: string): Promise<number> {
      const [row] = await q()('sampleAttachments')
        .where({ sampleId })
        .count<{ count: number }[]>('* as count');
      return Number(row?.count ?? 0);
    },

    async insertAttachment(values: Record<string, unknown>) {
      const [row] = await q()('sampleAttachments')
        .insert(values)
        .onConflict(['sampleId', 'fileName', 'sha256'])
        .ignore()
        .returning('*');
      return row as (SampleAttachment & { storageKey: string }) | undefined;
    },

    async deleteAttachment(sampleId: string, id: string): Promise<void> {
      await q()('sampleAttachments').where({ sampleId, id }).delete();
    },

    /**
     * The sample's audit events and those of its analyses (only the laboratory's own when
     * `laboratoryId` is given), oldest first, with the user or the laboratory token that acted.
     */
    async history(
      sampleId: string,
      options: { laboratoryId?: string | null } = {},
    ): Promise<HistoryEvent[]> {
      const onlyLaboratory = options.laboratoryId !== undefined;
      const result = (await q().raw(
        `select a.occurred_at, a.entity, a.action, a.after, u.first_name, u.last_name,
           t.name as lab_token_name, an.item_number, an.copy_number,
           nullif(trim(concat(i.first_name, ' ', i.last_name)), '') as impersonator_name
         from audit_events a
         left join users u on u.id = a.user_id
         left join users i on i.id = a.impersonated_by
         left join lab_tokens t on t.id = a.lab_token_id
         left join analyses an on a.entity = 'analysis' and an.id::text = a.entity_id
         where (a.entity = 'sample' and a.entity_id = ?)
            or (a.entity = 'analysis' and a.entity_id in (
              select id::text from analyses where sample_id = ?${onlyLaboratory ? ' and laboratory_id = ?' : ''}
            ))
         order by a.occurred_at, a.id`,
        onlyLaboratory
          ? [sampleId, sampleId, options.laboratoryId ?? '00000000-0000-0000-0000-000000000000']
          : [sampleId, sampleId],
      )) as { rows: HistoryEvent[] };
      return result.rows;
    },
  };
}

export type SampleRepository = ReturnType<typeof createSampleRepository>;

/** One audit event of a sample or of one of its analyses. */
export interface HistoryEvent {
  occurredAt: Date;
  entity: 'sample' | 'analysis';
  action: string;
  after: Record<string, unknown> | null;
  firstName: string | null;
  lastName: string | null;
  labTokenName: string | null;
  /** The administrator who acted as the user (support session). */
  impersonatorName: string | null;
  /** The analysed copy, for an analysis's event. */
  itemNumber: number | null;
  copyNumber: number | null;
}
