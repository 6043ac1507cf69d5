import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('programming_plans', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.integer('year').notNullable();
    t.string('kind', 40).notNullable();
    t.string('distribution_kind', 20).notNullable();
    t.string('status', 40).notNullable().defaultTo('InProgress');
    t.uuid('created_by').nullable().references('users.id');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['year', 'kind']);
    t.index('status');
  });

  await knex.schema.createTable('programming_plan_regions', (t) => {
    t.uuid('plan_id').notNullable().references('programming_plans.id').onDelete('CASCADE');
    t.string('region_code', 3).notNullable().references('regions.code');
    t.string('status', 40).notNullable().defaultTo('Pending');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['plan_id', 'region_code']);
  });

  await knex.schema.createTable('prescriptions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('plan_id').notNullable().references('programming_plans.id').onDelete('CASCADE');
    t.string('context', 20).notNullable();
    t.string('matrix_kind_code').notNullable().references('matrix_kinds.code');
    t.specificType('stages', 'text[]').notNullable();
    t.integer('sample_count').notNullable();
    t.string('laboratory_choice', 20).notNullable().defaultTo('National');
    t.text('instructions').notNullable().defaultTo('');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index('plan_id');
  });
  await knex.raw(
    'alter table prescriptions add constraint prescriptions_sample_count_positive check (sample_count > 0)',
  );

  await knex.schema.createTable('prescription_substances', (t) => {
    t.uuid('prescription_id').notNullable().references('prescriptions.id').onDelete('CASCADE');
    t.string('substance_code').notNullable().references('substances.code');
    t.string('method', 10).notNullable();
    t.primary(['prescription_id', 'substance_code']);
  });

  await knex.schema.createTable('regional_prescriptions', (t) => {
    t.uuid('prescription_id').notNullable().references('prescriptions.id').onDelete('CASCADE');
    t.string('region_code', 3).notNullable().references('regions.code');
    t.integer('sample_count').notNullable();
    t.uuid('laboratory_id').nullable().references('laboratories.id');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['prescription_id', 'region_code']);
    t.index('region_code');
  });
  await knex.raw(
    'alter table regional_prescriptions add constraint regional_prescriptions_count check (sample_count >= 0)',
  );

  await knex.schema.createTable('departmental_prescriptions', (t) => {
    t.uuid('prescription_id').notNullable().references('prescriptions.id').onDelete('CASCADE');
    t.string('region_code', 3).notNullable().references('regions.code');
    t.string('department_code', 3).notNullable().references('departments.code');
    t.integer('sample_count').notNullable();
    t.primary(['prescription_id', 'department_code']);
    t.index(['prescription_id', 'region_code']);
    t.index('department_code');
  });
  await knex.raw(
    'alter table departmental_prescriptions add constraint departmental_prescriptions_count check (sample_count >= 0)',
  );

  await knex.schema.createTable('prescription_comments', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('prescription_id').notNullable().references('prescriptions.id').onDelete('CASCADE');
    t.string('region_code', 3).notNullable().references('regions.code');
    t.uuid('author_id').notNullable().references('users.id');
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['prescription_id', 'region_code', 'created_at']);
  });

  await knex.schema.createTable('notifications', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('kind', 60).notNullable();
    t.string('title').notNullable();
    t.text('body').notNullable();
    t.string('link').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('read_at', { useTz: true }).nullable();
    t.index(['user_id', 'created_at']);
  });
  await knex.raw(
    'create index notifications_unread on notifications (user_id) where read_at is null',
  );
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'notifications',
    'prescription_comments',
    'departmental_prescriptions',
    'regional_prescriptions',
    'prescription_substances',
    'prescriptions',
    'programming_plan_regions',
    'programming_plans',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
