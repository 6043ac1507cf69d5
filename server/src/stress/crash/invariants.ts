import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '@maestro/database';
import { deriveSampleStatus, sampleCompliance } from '@maestro/shared/domain';
import type { AnalysisStatus } from '@maestro/shared/schema';

/**
 * What must hold in the whole database at any moment a transaction boundary can leave it — in
 * particular right after a `kill -9`. Each query returns the rows that break the rule: none is
 * the only right answer. Read from the migrations (004 samples, 005 mail outbox, 007 analyses,
 * 003 programming) and the services that write those tables.
 */
const rules: { name: string; sql: string }[] = [
  // ————— Samples —————
  {
    name: 'a sample past the draft has its items',
    sql: `select s.id, s.status from samples s
          where s.status <> 'Draft'
            and not exists (select 1 from sample_items i where i.sample_id = s.id)`,
  },
  {
    name: 'the items of a sample past the draft are numbered 1..n',
    sql: `select s.id from samples s join sample_items i on i.sample_id = s.id
          where s.status <> 'Draft'
          group by s.id having max(i.item_number) <> count(distinct i.item_number)
                           or min(i.item_number) <> 1`,
  },
  {
    name: 'each item of a sample past the draft has its copies 1..k, complete',
    sql: `select s.id, i.item_number from samples s join sample_items i on i.sample_id = s.id
          where s.status <> 'Draft'
          group by s.id, i.item_number
          having max(i.copy_number) <> count(*) or min(i.copy_number) <> 1
              or bool_or(i.quantity is null or i.unit is null or i.seal_number is null
                         or i.compliant200263 is null)`,
  },
  {
    name: 'the status of a sample agrees with its submission and sending dates',
    sql: `select id, status, submitted_at, sent_at from samples
          where (status = 'Draft' and (submitted_at is not null or sent_at is not null))
             or (status = 'Submitted' and (submitted_at is null or sent_at is not null))
             or (status not in ('Draft', 'Submitted') and (submitted_at is null or sent_at is null))`,
  },
  {
    name: 'a sent sample has one primary analysis per item, addressed to its laboratory',
    sql: `select s.id, i.item_number from samples s
            join (select distinct sample_id, item_number from sample_items) i on i.sample_id = s.id
          where s.sent_at is not null
            and not exists (select 1 from analyses a
                            where a.sample_id = s.id and a.item_number = i.item_number
                              and a.copy_number = 1 and not a.counter_analysis
                              and a.laboratory_id = s.laboratory_id)`,
  },
  {
    name: 'no analysis of a sample not sent, nor of an item it does not have',
    sql: `select a.id from analyses a join samples s on s.id = a.sample_id
          where s.sent_at is null
             or not exists (select 1 from sample_items i
                            where i.sample_id = a.sample_id and i.item_number = a.item_number
                              and i.copy_number = a.copy_number)`,
  },
  {
    name: 'a sent sample has its analysis request in the mail outbox, and only a sent one',
    sql: `select s.id, s.sent_at, count(d.id) as mails from samples s
            left join mail_deliveries d
              on d.subject_id = s.id and d.kind = 'sample.analysisRequest'
          group by s.id, s.sent_at
          having (s.sent_at is not null and count(d.id) <> 1)
              or (s.sent_at is null and count(d.id) <> 0)`,
  },
  {
    name: 'every change of a sample is in its audit trail (version = 1 + changes)',
    sql: `select s.id, s.version, count(e.id) as changes from samples s
            left join audit_events e on e.entity = 'sample' and e.entity_id = s.id::text
              and e.action in ('update', 'submit', 'send', 'analysisProgress')
          group by s.id, s.version having s.version <> 1 + count(e.id)`,
  },
  {
    name: 'a sample exists if and only if its creation is in the audit trail',
    sql: `select s.id::text as id from samples s
          where not exists (select 1 from audit_events e
                            where e.entity = 'sample' and e.entity_id = s.id::text and e.action = 'create')
          union all
          select e.entity_id from audit_events e
          where e.entity = 'sample' and e.action = 'create'
            and not exists (select 1 from samples s where s.id::text = e.entity_id)
            and not exists (select 1 from audit_events d where d.entity = 'sample'
                            and d.entity_id = e.entity_id and d.action = 'delete')`,
  },
  {
    name: 'the reference counter is never behind the references given',
    sql: `select split_part(s.reference, '-', 2) as yy, max(split_part(s.reference, '-', 3)::int) as serial,
                 max(c.last_serial) as counter
          from samples s
            left join sample_reference_counters c
              on c.year % 100 = split_part(s.reference, '-', 2)::int
          group by split_part(s.reference, '-', 2)
          having max(c.last_serial) is null or max(split_part(s.reference, '-', 3)::int) > max(c.last_serial)`,
  },
  // ————— Analyses —————
  {
    name: 'an analysis past « Sent » has its reception',
    sql: `select id, status from analyses where status <> 'Sent' and received_at is null`,
  },
  {
    name: 'submitted results (InReview, Completed) have their version, date and residues',
    sql: `select a.id, a.status, a.result_version from analyses a
          where a.status in ('InReview', 'Completed')
            and (a.result_version = 0 or a.submitted_at is null
                 or not exists (select 1 from analysis_residues r
                                where r.analysis_id = a.id and r.result_version = a.result_version))`,
  },
  {
    name: 'the versions of the results are exactly 1..current',
    sql: `select a.id, a.result_version, count(v.result_version) as versions, max(v.result_version) as last
          from analyses a left join analysis_result_versions v on v.analysis_id = a.id
          group by a.id, a.result_version
          having count(v.result_version) <> a.result_version
              or coalesce(max(v.result_version), 0) <> a.result_version`,
  },
  {
    name: 'every version of submitted results, and every correction, has residues',
    sql: `select v.analysis_id, v.result_version from analysis_result_versions v
            join analyses a on a.id = v.analysis_id
          where (a.status in ('InReview', 'Completed') or v.result_version > 1)
            and not exists (select 1 from analysis_residues r
                            where r.analysis_id = v.analysis_id and r.result_version = v.result_version)`,
  },
  {
    name: 'the residues of a version are numbered 1..n',
    sql: `select analysis_id, result_version from analysis_residues
          group by analysis_id, result_version
          having max(residue_number) <> count(*) or min(residue_number) <> 1`,
  },
  {
    name: 'the verdict of an analysis is the verdict of its current version',
    sql: `select a.id from analyses a
            join analysis_result_versions v
              on v.analysis_id = a.id and v.result_version = a.result_version
          where a.computed_compliant is distinct from v.computed_compliant`,
  },
  {
    name: 'a stored report is complete (name, size, hash, key, date)',
    sql: `select id from analyses
          where (report_storage_key is null) <> (report_sha256 is null)
             or (report_storage_key is null) <> (report_file_name is null)
             or (report_storage_key is null) <> (report_size is null)
             or (report_storage_key is null) <> (report_uploaded_at is null)`,
  },
  {
    name: 'every change of an analysis is in its audit trail (version = 1 + changes)',
    sql: `select a.id, a.version, count(e.id) as changes from analyses a
            left join audit_events e on e.entity = 'analysis' and e.entity_id = a.id::text
              and e.action <> 'counterAnalysis'
          group by a.id, a.version having a.version <> 1 + count(e.id)`,
  },
  // ————— Programming —————
  {
    name: 'the regions never get more samples than the prescription',
    sql: `select p.id, p.sample_count, sum(r.sample_count) as distributed
          from prescriptions p join regional_prescriptions r on r.prescription_id = p.id
          group by p.id, p.sample_count having sum(r.sample_count) > p.sample_count`,
  },
  {
    name: 'the departments never get more samples than their region',
    sql: `select d.prescription_id, d.region_code from departmental_prescriptions d
            left join regional_prescriptions r
              on r.prescription_id = d.prescription_id and r.region_code = d.region_code
          group by d.prescription_id, d.region_code
          having sum(d.sample_count) > coalesce(max(r.sample_count), 0)`,
  },
  {
    name: 'a plan exists if and only if its creation (or copy) is in the audit trail, demo apart',
    sql: `select p.id::text as id from programming_plans p
          where p.created_by is not null
            and not exists (select 1 from audit_events e where e.entity = 'programmingPlan'
                            and e.entity_id = p.id::text and e.action in ('create', 'copy'))
          union all
          select e.entity_id from audit_events e
          where e.entity = 'programmingPlan' and e.action in ('create', 'copy')
            and not exists (select 1 from programming_plans p where p.id::text = e.entity_id)`,
  },
  // ————— Mail outbox —————
  {
    name: 'a mail still to send has its job',
    sql: `select d.id from mail_deliveries d
          where d.status = 'Pending'
            and not exists (select 1 from pgboss.job j where j.data->>'deliveryId' = d.id::text)`,
  },
  {
    name: 'a mail marked sent has its date and a successful attempt',
    sql: `select d.id from mail_deliveries d
          where d.status = 'Sent'
            and (d.sent_at is null
                 or not exists (select 1 from mail_delivery_attempts t
                                where t.delivery_id = d.id and t.success))`,
  },
];

export interface InvariantReport {
  /** Rules checked (each over the whole database). */
  checked: number;
  violations: string[];
}

const show = (rows: unknown[]) =>
  rows
    .slice(0, 5)
    .map((row) => JSON.stringify(row))
    .join('; ');

/**
 * Checks every rule over the whole database, plus two that SQL alone cannot: the status and
 * verdict of each sent sample derived from its analyses (the shared domain rule), and each
 * stored report present in the file store with its hash.
 */
export async function checkInvariants(db: Db, dataDir: string): Promise<InvariantReport> {
  const violations: string[] = [];
  for (const rule of rules) {
    const { rows } = (await db.raw(rule.sql)) as { rows: unknown[] };
    if (rows.length > 0) violations.push(`${rule.name}: ${rows.length} row(s), e.g. ${show(rows)}`);
  }

  const samples: { id: string; status: string; compliant: boolean | null }[] = await db('samples')
    .whereNotNull('sentAt')
    .select('id', 'status', 'compliant');
  const analyses: { sampleId: string; status: AnalysisStatus; compliant: boolean | null }[] =
    await db('analyses')
      .where({ counterAnalysis: false })
      .select('sampleId', 'status', 'compliant');
  const wrongStatus: string[] = [];
  for (const sample of samples) {
    const states = analyses.filter((a) => a.sampleId === sample.id);
    const admissible = states.filter((a) => a.status !== 'NotAdmissible');
    const compliant =
      admissible.length > 0 && admissible.every((a) => a.status === 'Completed')
        ? sampleCompliance(admissible)
        : null;
    const status = deriveSampleStatus(
      states.map((a) => a.status),
      compliant !== null,
    );
    if (status !== sample.status || compliant !== (sample.compliant ?? null))
      wrongStatus.push(
        `${sample.id} is ${sample.status}/${sample.compliant}, its analyses say ${status}/${compliant}`,
      );
  }
  if (wrongStatus.length > 0)
    violations.push(
      `the status of a sent sample derives from its analyses: ${wrongStatus.length}, e.g. ${wrongStatus.slice(0, 3).join('; ')}`,
    );

  const reports: {
    id: string;
    reportStorageKey: string;
    reportSha256: string;
    reportSize: number;
  }[] = await db('analyses')
    .whereNotNull('reportStorageKey')
    .select('id', 'reportStorageKey', 'reportSha256', 'reportSize');
  const missing: string[] = [];
  for (const report of reports) {
    const file = path.join(dataDir, 'files', `${report.reportStorageKey}.data`);
    const content = await readFile(file).catch(() => null);
    const sha256 = content ? createHash('sha256').update(content).digest('hex') : null;
    if (sha256 !== report.reportSha256 || content?.length !== report.reportSize)
      missing.push(`${report.id} → ${content ? 'other content' : 'no file'}`);
  }
  if (missing.length > 0)
    violations.push(
      `a stored report points to its file, with its hash: ${missing.length}, e.g. ${missing.slice(0, 3).join('; ')}`,
    );
  return { checked: rules.length + 2, violations };
}
