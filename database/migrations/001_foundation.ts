import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pg_trgm');

  await knex.schema.createTable('regions', (t) => {
    t.string('code', 3).primary();
    t.string('name').notNullable();
    t.string('short_code', 3).notNullable().unique();
    t.boolean('overseas').notNullable().defaultTo(false);
  });
  await knex.schema.createTable('departments', (t) => {
    t.string('code', 3).primary();
    t.string('name').notNullable();
    t.string('region_code', 3).notNullable().references('regions.code');
    t.index('region_code');
  });
  await knex.schema.createTable('matrix_kinds', (t) => {
    t.string('code').primary();
    t.string('label').notNullable();
  });
  await knex.schema.createTable('matrices', (t) => {
    t.string('code').primary();
    t.string('label').notNullable();
    t.string('kind_code').notNullable().references('matrix_kinds.code');
    t.index('kind_code');
  });
  await knex.schema.createTable('substances', (t) => {
    t.string('code').primary();
    t.string('label').notNullable();
    t.string('method', 10).notNullable();
    t.boolean('approved_in_eu').notNullable();
  });
  await knex.schema.createTable('mrls', (t) => {
    t.string('substance_code').notNullable().references('substances.code');
    t.string('matrix_code').notNullable().references('matrices.code');
    t.decimal('value', 12, 6).notNullable();
    t.string('source').notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['substance_code', 'matrix_code']);
  });
  await knex.schema.createTable('laboratories', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('short_name').notNullable().unique();
    t.string('name').notNullable();
    t.string('address').notNullable();
    t.string('postal_code', 10).notNullable();
    t.string('city').notNullable();
    t.specificType('emails', 'text[]').notNullable();
    t.string('region_code', 3).notNullable().references('regions.code');
    t.specificType('methods', 'text[]').notNullable();
    t.integer('version').notNullable().defaultTo(1);
  });

  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('email').notNullable();
    t.string('first_name').notNullable();
    t.string('last_name').notNullable();
    t.string('role', 40).notNullable();
    t.string('region_code', 3).nullable().references('regions.code');
    t.string('department_code', 3).nullable().references('departments.code');
    t.uuid('laboratory_id').nullable().references('laboratories.id');
    t.text('password_hash').nullable();
    t.boolean('disabled').notNullable().defaultTo(false);
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_login_at', { useTz: true }).nullable();
    t.index('role');
    t.index('region_code');
  });
  await knex.raw('create unique index users_email_unique on users (lower(email))');

  // Sessions shared by every API instance; user_id lets a disable or a logout revoke them all.
  await knex.schema.createTable('sessions', (t) => {
    t.string('sid').primary();
    t.json('sess').notNullable();
    t.timestamp('expire', { useTz: true }).notNullable();
    t.uuid('user_id').nullable();
    t.index('expire');
    t.index('user_id');
  });

  // Fixed-window counters shared by every API instance (login rate limit).
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key').primary();
    t.integer('hits').notNullable();
    t.timestamp('window_ends_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('audit_events', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('user_id').nullable();
    t.uuid('impersonated_by').nullable();
    t.string('request_id').nullable();
    t.string('entity', 60).notNullable();
    t.string('entity_id').notNullable();
    t.string('action', 60).notNullable();
    t.jsonb('before').nullable();
    t.jsonb('after').nullable();
    t.index(['entity', 'entity_id']);
    t.index('occurred_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'audit_events',
    'rate_limits',
    'sessions',
    'users',
    'laboratories',
    'mrls',
    'substances',
    'matrices',
    'matrix_kinds',
    'departments',
    'regions',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
