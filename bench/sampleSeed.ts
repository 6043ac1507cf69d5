import type { Db } from '@maestro/database';
import {
  DepartmentList,
  LaboratorySeedList,
  MatrixKindList,
  MatrixList,
  type RegionCode,
  RegionShortCodes,
} from '@maestro/shared/referential';

/**
 * The data set of the `samples` and `load` benches (see ../shared/benchmarks.md): samples
 * spread over the 101 departments (overseas less sampled), 3 yearly plans of 40 prescriptions
 * (10 % out of programme), 20 samplers per department, realistic states (3 % drafts, 60 %
 * completed), sampling dates over each campaign, a laboratory per region (85 % of a region's
 * samples go to it, the rest to a second one). Seeded in SQL (generate_series, fixed seed) with
 * the triggers off, then the status counts rebuilt: the same count always gives the same rows.
 */

/** Rough centres of the regions (their capitals), to place samples on the map. */
export const regionCentres: Record<RegionCode, [number, number, number]> = {
  '01': [16.2, -61.6, 0.15],
  '02': [14.65, -61.0, 0.1],
  '03': [4.9, -52.8, 0.4],
  '04': [-21.1, 55.5, 0.15],
  '06': [-12.8, 45.15, 0.08],
  '11': [48.75, 2.45, 0.5],
  '24': [47.5, 1.7, 0.9],
  '27': [47.2, 5.2, 0.9],
  '28': [49.1, 0.2, 0.8],
  '32': [50.0, 2.7, 0.8],
  '44': [48.7, 5.9, 1.0],
  '52': [47.4, -0.9, 0.9],
  '53': [48.1, -2.9, 0.8],
  '75': [45.4, 0.3, 1.3],
  '76': [43.8, 2.3, 1.2],
  '84': [45.4, 4.6, 1.0],
  '93': [43.9, 6.0, 0.7],
  '94': [42.1, 9.1, 0.3],
};
export const plans = [
  { year: 2024, status: 'Closed', id: '3b6c0b1e-2024-4000-8000-000000000001' },
  { year: 2025, status: 'Closed', id: '3b6c0b1e-2025-4000-8000-000000000001' },
  { year: 2026, status: 'Validated', id: '3b6c0b1e-2026-4000-8000-000000000001' },
];
export const PRESCRIPTIONS_PER_PLAN = 40;
export const SAMPLERS_PER_DEPARTMENT = 20;
/** The password of the users a bench logs in with. */
export const password = 'Mot-de-passe-du-banc-1';

const sqlText = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** 40 prescriptions per plan (one in four a control), each on a matrix kind, at primary production. */
export const prescriptions = plans.flatMap((p) =>
  Array.from({ length: PRESCRIPTIONS_PER_PLAN }, (_, i) => {
    const kind = MatrixKindList[i % MatrixKindList.length]!;
    return {
      id: `3b6c0b1e-${p.year}-4000-8000-${String(i + 1).padStart(12, '0')}`,
      planId: p.id,
      context: i % 4 === 3 ? 'Control' : 'Surveillance',
      matrixKindCode: kind.code,
      stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
      sampleCount: 1000,
    };
  }),
);

/** The laboratory most samples of a region are sent to (85 % of them). */
export function laboratoryOfRegion(regionCode: string): string {
  const index = Object.keys(regionCentres).indexOf(regionCode);
  if (index < 0) throw new Error(`Unknown region ${regionCode}`);
  return LaboratorySeedList[index % LaboratorySeedList.length]!.id;
}

/**
 * Seeds `count` samples (and their plans, prescriptions and samplers) into a migrated, empty
 * database, then rebuilds the status counts, VACUUM ANALYZE and CHECKPOINT. With `analyses`,
 * every sample past « À envoyer » gets the analysis of its copy 1 at its laboratory, in the
 * sample's state (see `seedAnalyses`). `db` must hold one connection (temporary tables).
 */
export async function seedSamples(
  db: Db,
  count: number,
  options: { analyses?: boolean } = {},
): Promise<void> {
  const labs = LaboratorySeedList.map((l) => l.id);
  const regionIndex = new Map(Object.keys(regionCentres).map((code, i) => [code, i]));
  // a v4-shaped uuid from a text, so that the same seed gives the same ids
  await db.raw(`
    create function pg_temp.bench_uuid(text) returns uuid language sql immutable as
    $$ select overlay(overlay(md5($1) placing '4' from 13) placing '8' from 17)::uuid $$`);
  await db.raw(`
    create temp table bench_departments (
      code text primary key, region_code text, short text, lat float8, lon float8, spread float8,
      lab uuid, lab2 uuid
    )`);
  await db('bench_departments').insert(
    DepartmentList.map((d) => {
      const [lat, lon, spread] = regionCentres[d.regionCode as RegionCode];
      const i = regionIndex.get(d.regionCode) ?? 0;
      return {
        code: d.code,
        regionCode: d.regionCode,
        short: RegionShortCodes[d.regionCode as RegionCode],
        lat,
        lon,
        spread,
        lab: laboratoryOfRegion(d.regionCode),
        lab2: labs[(i + 3) % labs.length],
      };
    }),
  );
  // Overseas departments take fewer samples: each metropolitan department is drawn 10 times
  // out of the weighted list, each overseas one 3 times.
  const weighted = DepartmentList.flatMap((d) =>
    Array<string>(d.code.length === 3 ? 3 : 10).fill(d.code),
  );

  await db('programmingPlans').insert(
    plans.map((p) => ({
      id: p.id,
      year: p.year,
      kind: 'PPV',
      distributionKind: 'REGIONAL',
      status: p.status,
    })),
  );
  await db('prescriptions').insert(prescriptions);
  await db.raw(`
    create temp table bench_prescriptions (
      year int, idx int, id uuid, context text, matrix_kind_code text, matrix_code text,
      primary key (year, idx)
    )`);
  await db('bench_prescriptions').insert(
    prescriptions.map((p, n) => ({
      year: plans.find((plan) => plan.id === p.planId)!.year,
      idx: n % PRESCRIPTIONS_PER_PLAN,
      id: p.id,
      context: p.context,
      matrixKindCode: p.matrixKindCode,
      matrixCode: MatrixList.find((m) => m.kindCode === p.matrixKindCode)?.code ?? null,
    })),
  );

  // 20 samplers per department (no password: they never log in)
  await db.raw(`
    insert into users (id, email, first_name, last_name, role, region_code, department_code)
    select pg_temp.bench_uuid('sampler-' || d.code || '-' || k), 'preleveur-' || lower(d.code) || '-' || k || '@bench.test',
      (array['Camille','Dominique','Claude','Alex','Sacha','Lou','Jean','Marie'])[1 + k % 8],
      (array['Martin','Bernard','Thomas','Petit','Robert','Richard','Durand','Dubois','Moreau','Laurent'])[1 + (k * 7 + length(d.code)) % 10],
      'Sampler', d.region_code, d.code
    from bench_departments d cross join generate_series(0, ${SAMPLERS_PER_DEPARTMENT - 1}) k`);

  // The samples, in batches of 100,000, triggers (and foreign-key checks) off.
  await db.raw('set session_replication_role = replica');
  await db.raw('select setseed(0.2027)');
  const batch = 100_000;
  for (let from = 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    await db.raw(`
      insert into samples (id, reference, status, step, programming_plan_id, prescription_id,
        context, out_of_programme_reason, legal_context, company_siret, company_name,
        company_postal_code, company_city, latitude, longitude, region_code, department_code,
        sampler_id, matrix_kind_code, matrix_code, stage, part_sampled, sampled_at,
        laboratory_id, creation_hash, created_by, created_at, updated_at, submitted_at, sent_at)
      select
        pg_temp.bench_uuid('sample-' || x.g),
        d.short || '-' || (x.year % 100) || '-' || lpad(x.g::text, 7, '0'),
        x.status,
        case when x.status = 'Draft' then 'Items' else 'Summary' end,
        case when x.programmed then (array[${plans.map((p) => sqlText(p.id)).join(',')}]::uuid[])[x.year - 2023] end,
        case when x.programmed then p.id end,
        case when x.programmed then p.context else (array['LocalPlan','Investigation','ControlSupport'])[1 + x.g % 3] end,
        case when x.programmed then null else 'Suite à un signalement' end,
        case when x.g % 20 = 0 then 'B' else 'A' end,
        lpad(((x.g::bigint * 7919) % 99999999999999)::text, 14, '0'),
        (array['EARL','GAEC','SCEA','Domaine','Vergers','Ferme','Maraîchers','SARL'])[1 + x.g % 8] || ' '
          || (array['des Collines','du Moulin','Saint-Jean','de la Vallée','Martin','des Sources','du Lac','Beausoleil','les Tilleuls','du Château'])[1 + (x.g / 8) % 10]
          || ' ' || (x.g % 997),
        lpad((x.g % 95000 + 1000)::text, 5, '0'),
        'Commune ' || (x.g % 500),
        case when x.located then d.lat + (x.r1 - 0.5) * d.spread end,
        case when x.located then d.lon + (x.r2 - 0.5) * d.spread * 1.4 end,
        d.region_code,
        d.code,
        pg_temp.bench_uuid('sampler-' || d.code || '-' || x.sampler),
        p.matrix_kind_code,
        case when x.r1 < 0.7 then p.matrix_code end,
        'PRODUCTION_PRIMAIRE_VEGETALE',
        case when x.r2 < 0.5 then 'FRUIT' else 'WHOLE_PLANT' end,
        x.sampled_at,
        case when x.status = 'Draft' and x.r1 < 0.5 then null when x.r2 < 0.85 then d.lab else d.lab2 end,
        'bench',
        pg_temp.bench_uuid('sampler-' || d.code || '-' || x.sampler),
        coalesce(x.sampled_at, x.campaign) - interval '1 hour',
        coalesce(x.sampled_at, x.campaign) + x.r3 * interval '40 days',
        case when x.status <> 'Draft' then coalesce(x.sampled_at, x.campaign) + interval '2 hours' end,
        case when x.status not in ('Draft', 'Submitted') then coalesce(x.sampled_at, x.campaign) + interval '1 day' end
      from (
        select y.*,
          make_timestamptz(y.year, 2, 1, 8, 0, 0, 'Europe/Paris') as campaign,
          case when y.status = 'Draft' and y.r3 < 0.5 then null
            else make_timestamptz(y.year, 2, 1, 8, 0, 0, 'Europe/Paris') + y.r4 * interval '300 days' end as sampled_at
        from (
          select g,
            (array[${weighted.map(sqlText).join(',')}])[1 + floor(random() * ${weighted.length})::int] as department,
            2024 + width_bucket(random(), array[0.3, 0.65]::float8[]) as year,
            (array['Draft','Submitted','Sent','NotAdmissible','Analysis','InReview','Completed'])[
              1 + width_bucket(random(), array[0.03, 0.05, 0.15, 0.16, 0.31, 0.40]::float8[])] as status,
            random() < 0.9 as programmed,
            random() < 0.95 as located,
            floor(random() * ${PRESCRIPTIONS_PER_PLAN})::int as prescription,
            floor(random() * ${SAMPLERS_PER_DEPARTMENT})::int as sampler,
            random() as r1, random() as r2, random() as r3, random() as r4
          from generate_series(${from}, ${to}) g
        ) y
      ) x
      join bench_departments d on d.code = x.department
      join bench_prescriptions p on p.year = x.year and p.idx = x.prescription`);
    process.stdout.write(`\r  seeded ${to.toLocaleString('fr-FR')} samples`);
  }
  process.stdout.write('\n');
  if (options.analyses) await seedAnalyses(db);
  await db.raw('set session_replication_role = origin');
  await db.raw('select sample_counts_rebuild()');
  await db.raw('vacuum analyze');
  // write the load out now, not while measuring
  await db.raw('checkpoint');
}

/**
 * The analysis of copy 1 of every sample sent to its laboratory (about 95 % of the samples), in
 * the sample's state: received the day after sending unless still « Envoyé », a refusal reason
 * for the non-admissible ones, an analysis date and a compliant verdict once submitted. No
 * residues are stored (the lists never read them). Runs with the triggers off.
 */
async function seedAnalyses(db: Db): Promise<void> {
  const started = performance.now();
  await db.raw(`
    insert into analyses (id, sample_id, item_number, copy_number, laboratory_id, status,
      created_at, updated_at, received_at, not_admissible_reason, analysed_at, methods,
      submitted_at, computed_compliant, compliant, reviewed_at)
    select
      pg_temp.bench_uuid('analysis-' || s.id), s.id, 1, 1, s.laboratory_id, s.status,
      s.sent_at,
      greatest(s.sent_at, s.updated_at),
      case when s.status <> 'Sent' then s.sent_at + interval '1 day' end,
      case when s.status = 'NotAdmissible' then 'SealBroken' end,
      case when s.status in ('InReview', 'Completed') then (s.sent_at + interval '5 days')::date end,
      case when s.status in ('InReview', 'Completed') then '{Multi}'::text[] else '{}'::text[] end,
      case when s.status in ('InReview', 'Completed') then s.sent_at + interval '5 days' end,
      case when s.status in ('InReview', 'Completed') then true end,
      case when s.status = 'Completed' then true end,
      case when s.status = 'Completed' then s.sent_at + interval '6 days' end
    from samples s
    where s.status not in ('Draft', 'Submitted') and s.laboratory_id is not null`);
  const { rows } = await db.raw<{ rows: { count: string }[] }>('select count(*) from analyses');
  console.log(
    `  seeded ${Number(rows[0]?.count ?? 0).toLocaleString('fr-FR')} analyses in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}
