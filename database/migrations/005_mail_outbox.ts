import type { Knex } from 'knex';

/**
 * The mail outbox (see docs/decisions/0008-jobs-and-mail-outbox.md): one row per e-mail to
 * send, written in the transaction of the change it announces, and the journal of every
 * attempt to send it. Attachments are descriptors only; their content is rebuilt at send time.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('mail_deliveries', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('kind', 60).notNullable();
    t.uuid('subject_id').nullable();
    t.specificType('recipients', 'text[]').notNullable();
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.jsonb('attachments').notNullable().defaultTo(knex.raw("'[]'::jsonb"));
    t.string('status', 20).notNullable().defaultTo('Pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.uuid('created_by').nullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true }).nullable();
    t.index('subject_id');
  });
  await knex.raw(
    "alter table mail_deliveries add constraint mail_deliveries_status check (status in ('Pending', 'Sent', 'Failed'))",
  );
  // What an operator looks for: the mails that did not leave.
  await knex.raw(
    "create index mail_deliveries_not_sent on mail_deliveries (created_at) where status <> 'Sent'",
  );

  await knex.schema.createTable('mail_delivery_attempts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('delivery_id').notNullable().references('mail_deliveries.id').onDelete('CASCADE');
    t.timestamp('attempted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.boolean('success').notNullable();
    t.text('error').nullable();
    t.index(['delivery_id', 'attempted_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('mail_delivery_attempts');
  await knex.schema.dropTableIfExists('mail_deliveries');
}
