import type { Knex } from 'knex';

/**
 * What the sample list needs at 1,000,000 samples (see bench/samples.bench.ts):
 *
 * - `sample_counts`: the number of samples per (plan, region, department, laboratory, status),
 *   and its rollup `sample_region_counts` per (plan, region, status), kept exact by triggers on
 *   `samples`, in the transaction of the change. The list's status counts and total read them
 *   whenever the filters are among those columns (the scope of every role and the most used
 *   filters). At 1,000,000 samples, counting the samples themselves costs ~100 ms per national
 *   request, summing `sample_counts` ~1 ms, the rollup ~0.1 ms. Missing values are stored as ''
 *   (department) or the nil uuid (plan, laboratory) so that the key is a plain primary key.
 *   The changes of a moved sample are applied in key order, so that two transactions never
 *   wait on each other in a cycle.
 * - a trigram index over reference, company name and SIRET: the free search and the company
 *   and reference filters look for a part of the text (`ILIKE '%…%'`).
 * - the order of « date de prélèvement, la plus récente d’abord » (undated drafts last), and
 *   the matrix filters, which had no index.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pg_trgm');

  await knex.raw(`
    create index samples_search_trgm_idx on samples using gin (
      (reference::text || ' ' || coalesce(company_name, '') || ' ' || coalesce(company_siret::text, ''))
      gin_trgm_ops
    );
    create index samples_sampled_at_order_idx on samples (sampled_at desc nulls last, id desc);
    create index samples_matrix_kind_idx on samples (matrix_kind_code, status);
    create index samples_matrix_idx on samples (matrix_code, status);
  `);

  await knex.raw(`
    create table sample_counts (
      programming_plan_id uuid not null,
      region_code varchar(3) not null,
      department_code varchar(3) not null,
      laboratory_id uuid not null,
      status varchar(20) not null,
      count integer not null,
      primary key (programming_plan_id, region_code, department_code, laboratory_id, status)
    );
    create index sample_counts_department_idx on sample_counts (department_code);
    create index sample_counts_laboratory_idx on sample_counts (laboratory_id);

    -- The same counts per (plan, region, status) only: what the national and regional lists
    -- read when they are not filtered by department or laboratory (a few hundred rows).
    create table sample_region_counts (
      programming_plan_id uuid not null,
      region_code varchar(3) not null,
      status varchar(20) not null,
      count integer not null,
      primary key (programming_plan_id, region_code, status)
    );

    create function sample_counts_add(
      plan uuid, region varchar, department varchar, laboratory uuid, sample_status varchar, delta integer
    ) returns void language plpgsql as $$
    begin
      insert into sample_counts as c
        (programming_plan_id, region_code, department_code, laboratory_id, status, count)
      values (
        coalesce(plan, '00000000-0000-0000-0000-000000000000'), region, coalesce(department, ''),
        coalesce(laboratory, '00000000-0000-0000-0000-000000000000'), sample_status, delta
      )
      on conflict (programming_plan_id, region_code, department_code, laboratory_id, status)
      do update set count = c.count + excluded.count;
    end $$;

    create function sample_region_counts_add(
      plan uuid, region varchar, sample_status varchar, delta integer
    ) returns void language plpgsql as $$
    begin
      insert into sample_region_counts as c (programming_plan_id, region_code, status, count)
      values (coalesce(plan, '00000000-0000-0000-0000-000000000000'), region, sample_status, delta)
      on conflict (programming_plan_id, region_code, status)
      do update set count = c.count + excluded.count;
    end $$;

    -- Each table is changed in the order of its key (the old row's line or the new one's
    -- first), the detailed table before the rollup: concurrent transactions take their row
    -- locks in one order and never wait on each other in a cycle.
    create function sample_counts_track() returns trigger language plpgsql as $$
    declare
      old_key text;
      new_key text;
    begin
      if tg_op = 'INSERT' then
        perform sample_counts_add(new.programming_plan_id, new.region_code, new.department_code,
          new.laboratory_id, new.status, 1);
        perform sample_region_counts_add(new.programming_plan_id, new.region_code, new.status, 1);
        return null;
      end if;
      if tg_op = 'DELETE' then
        perform sample_counts_add(old.programming_plan_id, old.region_code, old.department_code,
          old.laboratory_id, old.status, -1);
        perform sample_region_counts_add(old.programming_plan_id, old.region_code, old.status, -1);
        return null;
      end if;

      old_key := concat_ws('/', old.programming_plan_id, old.region_code, old.department_code,
        old.laboratory_id, old.status);
      new_key := concat_ws('/', new.programming_plan_id, new.region_code, new.department_code,
        new.laboratory_id, new.status);
      if old_key < new_key then
        perform sample_counts_add(old.programming_plan_id, old.region_code, old.department_code,
          old.laboratory_id, old.status, -1);
        perform sample_counts_add(new.programming_plan_id, new.region_code, new.department_code,
          new.laboratory_id, new.status, 1);
      elsif old_key > new_key then
        perform sample_counts_add(new.programming_plan_id, new.region_code, new.department_code,
          new.laboratory_id, new.status, 1);
        perform sample_counts_add(old.programming_plan_id, old.region_code, old.department_code,
          old.laboratory_id, old.status, -1);
      end if;

      old_key := concat_ws('/', old.programming_plan_id, old.region_code, old.status);
      new_key := concat_ws('/', new.programming_plan_id, new.region_code, new.status);
      if old_key < new_key then
        perform sample_region_counts_add(old.programming_plan_id, old.region_code, old.status, -1);
        perform sample_region_counts_add(new.programming_plan_id, new.region_code, new.status, 1);
      elsif old_key > new_key then
        perform sample_region_counts_add(new.programming_plan_id, new.region_code, new.status, 1);
        perform sample_region_counts_add(old.programming_plan_id, old.region_code, old.status, -1);
      end if;
      return null;
    end $$;

    create trigger samples_counts_insert after insert on samples
      for each row execute function sample_counts_track();
    create trigger samples_counts_delete after delete on samples
      for each row execute function sample_counts_track();
    create trigger samples_counts_update
      after update of programming_plan_id, region_code, department_code, laboratory_id, status on samples
      for each row
      when ((old.programming_plan_id, old.region_code, old.department_code, old.laboratory_id, old.status)
        is distinct from (new.programming_plan_id, new.region_code, new.department_code, new.laboratory_id, new.status))
      execute function sample_counts_track();

    create function sample_counts_truncated() returns trigger language plpgsql as $$
    begin
      truncate sample_counts, sample_region_counts;
      return null;
    end $$;
    create trigger samples_counts_truncate after truncate on samples
      for each statement execute function sample_counts_truncated();

    -- Recounts everything (after a bulk load made with the triggers off).
    create function sample_counts_rebuild() returns void language plpgsql as $$
    begin
      lock table samples in share mode;
      delete from sample_counts;
      delete from sample_region_counts;
      insert into sample_counts
        (programming_plan_id, region_code, department_code, laboratory_id, status, count)
      select coalesce(programming_plan_id, '00000000-0000-0000-0000-000000000000'), region_code,
        coalesce(department_code, ''), coalesce(laboratory_id, '00000000-0000-0000-0000-000000000000'),
        status, count(*)
      from samples
      group by 1, 2, 3, 4, 5;
      insert into sample_region_counts (programming_plan_id, region_code, status, count)
      select programming_plan_id, region_code, status, sum(count)
      from sample_counts
      group by 1, 2, 3;
    end $$;

    select sample_counts_rebuild();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop trigger if exists samples_counts_insert on samples;
    drop trigger if exists samples_counts_delete on samples;
    drop trigger if exists samples_counts_update on samples;
    drop trigger if exists samples_counts_truncate on samples;
    drop function if exists sample_counts_rebuild();
    drop function if exists sample_counts_truncated();
    drop function if exists sample_counts_track();
    drop function if exists sample_counts_add(uuid, varchar, varchar, uuid, varchar, integer);
    drop function if exists sample_region_counts_add(uuid, varchar, varchar, integer);
    drop table if exists sample_region_counts;
    drop table if exists sample_counts;
    drop index if exists samples_matrix_idx;
    drop index if exists samples_matrix_kind_idx;
    drop index if exists samples_sampled_at_order_idx;
    drop index if exists samples_search_trgm_idx;
  `);
}
