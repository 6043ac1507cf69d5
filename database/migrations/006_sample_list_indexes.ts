import type { Knex } from 'knex';

/**
 * What the sample list needs at 1,000,000 samples (see bench/samples.bench.ts):
 *
 * - `sample_counts`: the number of samples per (plan, region, department, laboratory, status),
 *   kept exact by triggers on `samples`, in the transaction of the change. The list's status
 *   counts and total read it whenever the filters are among those columns (the scope of every
 *   role and the most used filters); counting the samples themselves costs ~100 ms per request
 *   nationally. Missing values are stored as '' (department) or the nil uuid (plan,
 *   laboratory) so that the key is a plain primary key. The two changes of a moved sample are
 *   applied in key order, so that two transactions never wait on each other in a cycle.
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

    create function sample_counts_track() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        perform sample_counts_add(new.programming_plan_id, new.region_code, new.department_code,
          new.laboratory_id, new.status, 1);
      elsif tg_op = 'DELETE' then
        perform sample_counts_add(old.programming_plan_id, old.region_code, old.department_code,
          old.laboratory_id, old.status, -1);
      elsif (coalesce(old.programming_plan_id::text, ''), old.region_code, coalesce(old.department_code, ''),
             coalesce(old.laboratory_id::text, ''), old.status)
          < (coalesce(new.programming_plan_id::text, ''), new.region_code, coalesce(new.department_code, ''),
             coalesce(new.laboratory_id::text, ''), new.status) then
        perform sample_counts_add(old.programming_plan_id, old.region_code, old.department_code,
          old.laboratory_id, old.status, -1);
        perform sample_counts_add(new.programming_plan_id, new.region_code, new.department_code,
          new.laboratory_id, new.status, 1);
      else
        perform sample_counts_add(new.programming_plan_id, new.region_code, new.department_code,
          new.laboratory_id, new.status, 1);
        perform sample_counts_add(old.programming_plan_id, old.region_code, old.department_code,
          old.laboratory_id, old.status, -1);
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
      truncate sample_counts;
      return null;
    end $$;
    create trigger samples_counts_truncate after truncate on samples
      for each statement execute function sample_counts_truncated();

    -- Recounts everything (after a bulk load made with the triggers off).
    create function sample_counts_rebuild() returns void language plpgsql as $$
    begin
      lock table samples in share mode;
      delete from sample_counts;
      insert into sample_counts
        (programming_plan_id, region_code, department_code, laboratory_id, status, count)
      select coalesce(programming_plan_id, '00000000-0000-0000-0000-000000000000'), region_code,
        coalesce(department_code, ''), coalesce(laboratory_id, '00000000-0000-0000-0000-000000000000'),
        status, count(*)
      from samples
      group by 1, 2, 3, 4, 5;
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
    drop table if exists sample_counts;
    drop index if exists samples_matrix_idx;
    drop index if exists samples_matrix_kind_idx;
    drop index if exists samples_sampled_at_order_idx;
    drop index if exists samples_search_trgm_idx;
  `);
}
