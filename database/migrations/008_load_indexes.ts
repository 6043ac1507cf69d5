import type { Knex } from 'knex';

/**
 * What `pnpm bench load` found slow at 1,000,000 samples (each figure: one request, the
 * database alone):
 *
 * - the samples taken per prescription line of a plan (« réalisé », per region and
 *   department): the partial index on (prescription, department) made PostgreSQL read every
 *   sample of the plan's lines to learn its region, ~4 s for a regional coordinator. With the
 *   region in the index, the counts are read from the index alone: ~15 ms (~65 ms nationally).
 *   It replaces the former index, which it covers.
 * - a laboratory's samples list: its scope is now the samples sent to it (their own
 *   laboratory column, counted in `sample_counts`) plus those it holds a counter-analysis of.
 *   Without an index the second part read the laboratory's 170,000 analyses to find none
 *   (~0.8 s for each page); the partial index holds only counter-analyses: ~6 ms a page.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create index samples_realised_idx on samples (prescription_id, region_code, department_code)
      where status <> 'Draft';
    drop index if exists samples_prescription_idx;
    create index analyses_counter_laboratory_idx on analyses (laboratory_id, sample_id)
      where counter_analysis;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index if exists analyses_counter_laboratory_idx;
    create index samples_prescription_idx on samples (prescription_id, department_code)
      where status <> 'Draft';
    drop index if exists samples_realised_idx;
  `);
}
