import type { Knex } from 'knex';

/** Remembers which version of the shipped referentials is loaded, to skip reloading it. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('referential_state', (t) => {
    t.string('name').primary();
    t.string('checksum', 64).notNullable();
    t.timestamp('loaded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('referential_state');
}
