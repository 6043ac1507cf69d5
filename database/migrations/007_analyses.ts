import type { Knex } from 'knex';

/**
 * Laboratory analysis (see docs/decisions/0011-analyses.md): reception and results of each
 * analysed copy, versioned results (a correction never erases), residues with the verdict and
 * the MRL that applied, laboratory API tokens (hashed), result imports (the original file is
 * kept), the sample's compliance, and the lab token in the audit trail.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('analyses', (t) => {
    t.boolean('counter_analysis').notNullable().defaultTo(false);
    t.text('counter_analysis_reason').nullable();
    t.timestamp('received_at', { useTz: true }).nullable();
    t.jsonb('reception').nullable();
    t.string('not_admissible_reason', 40).nullable();
    t.text('not_admissible_comment').nullable();
    t.date('analysed_at').nullable();
    t.specificType('methods', 'text[]').notNullable().defaultTo('{}');
    t.text('notes').notNullable().defaultTo('');
    /** The current version of the results (0: none yet). */
    t.integer('result_version').notNullable().defaultTo(0);
    t.timestamp('submitted_at', { useTz: true }).nullable();
    t.uuid('submitted_by').nullable().references('users.id');
    t.boolean('computed_compliant').nullable();
    t.boolean('compliant').nullable();
    t.boolean('compliance_overridden').notNullable().defaultTo(false);
    t.text('review_comment').nullable();
    t.timestamp('reviewed_at', { useTz: true }).nullable();
    t.uuid('reviewed_by').nullable().references('users.id');
    t.string('report_file_name', 200).nullable();
    t.integer('report_size').nullable();
    t.string('report_sha256', 64).nullable();
    t.string('report_storage_key', 300).nullable();
    t.timestamp('report_uploaded_at', { useTz: true }).nullable();
    t.index(['sample_id']);
  });
  await knex.raw(`
    alter table analyses add constraint analyses_status
      check (status in ('Sent', 'NotAdmissible', 'Analysis', 'InReview', 'Completed'));
    create index analyses_laboratory_updated_idx on analyses (laboratory_id, updated_at desc);
    create index analyses_status_updated_idx on analyses (status, updated_at desc);
  `);

  await knex.schema.createTable('lab_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('laboratory_id').notNullable().references('laboratories.id');
    t.string('name', 100).notNullable();
    t.string('prefix', 16).notNullable();
    /** SHA-256 of the token (the token carries 256 random bits): never the token itself. */
    t.string('token_hash', 64).notNullable().unique();
    t.uuid('created_by').nullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true }).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.uuid('revoked_by').nullable().references('users.id');
    t.index(['laboratory_id']);
  });

  await knex.schema.createTable('analysis_imports', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('laboratory_id').notNullable().references('laboratories.id');
    t.string('file_name', 200).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('storage_key', 300).notNullable();
    t.string('encoding', 20).notNullable();
    t.string('delimiter', 4).nullable();
    t.string('status', 20).notNullable().defaultTo('Previewed');
    t.integer('line_count').notNullable();
    t.jsonb('counts').notNullable();
    /** Every parsed line with its outcome and messages (the preview), re-checked at commit. */
    t.jsonb('lines').notNullable();
    t.specificType('analysis_ids', 'uuid[]').notNullable().defaultTo('{}');
    t.integer('existing_count').notNullable().defaultTo(0);
    t.string('existing_choice', 10).nullable();
    t.integer('written_residues').nullable();
    t.uuid('created_by').nullable().references('users.id');
    t.uuid('lab_token_id').nullable().references('lab_tokens.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('committed_at', { useTz: true }).nullable();
    t.index(['laboratory_id', 'created_at']);
  });

  await knex.schema.createTable('analysis_result_versions', (t) => {
    t.uuid('analysis_id').notNullable().references('analyses.id').onDelete('CASCADE');
    t.integer('result_version').notNullable();
    t.string('source', 10).notNullable();
    t.text('reason').nullable();
    t.uuid('created_by').nullable().references('users.id');
    t.uuid('lab_token_id').nullable().references('lab_tokens.id');
    t.uuid('import_id').nullable().references('analysis_imports.id');
    t.boolean('computed_compliant').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['analysis_id', 'result_version']);
  });

  await knex.schema.createTable('analysis_residues', (t) => {
    t.uuid('analysis_id').notNullable();
    t.integer('result_version').notNullable();
    t.smallint('residue_number').notNullable();
    t.string('substance_code', 40).notNullable().references('substances.code');
    t.string('kind', 2).notNullable();
    t.double('value').nullable();
    t.string('unit', 10).notNullable();
    t.double('loq').nullable();
    /** As entered by the laboratory; the MRL that applied is in `verdict`. */
    t.double('mrl').nullable();
    t.double('uncertainty_percent').nullable();
    t.jsonb('analytes').notNullable().defaultTo(knex.raw("'[]'::jsonb"));
    t.text('notes').notNullable().defaultTo('');
    t.boolean('arfd_exceeded').nullable();
    t.boolean('authorised_for_use').nullable();
    t.text('contamination_sources').notNullable().defaultTo('');
    t.boolean('approved_in_eu').nullable();
    t.jsonb('verdict').notNullable();
    t.primary(['analysis_id', 'result_version', 'residue_number']);
    t.foreign(['analysis_id', 'result_version'])
      .references(['analysis_id', 'result_version'])
      .inTable('analysis_result_versions')
      .onDelete('CASCADE');
  });
  await knex.raw(`
    alter table analysis_residues add constraint analysis_residues_kind check (kind in ('ND', 'NQ', 'Q'));
    alter table analysis_residues add constraint analysis_residues_value
      check ((kind = 'Q' and value is not null) or (kind <> 'Q' and value is null));
  `);

  await knex.schema.alterTable('samples', (t) => {
    /** The sample's verdict once every analysis is decided (null before). */
    t.boolean('compliant').nullable();
  });
  await knex.raw(
    'create index samples_non_compliant_idx on samples (updated_at desc) where compliant = false',
  );

  await knex.schema.alterTable('audit_events', (t) => {
    t.uuid('lab_token_id').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_events', (t) => t.dropColumn('lab_token_id'));
  await knex.raw('drop index if exists samples_non_compliant_idx');
  await knex.schema.alterTable('samples', (t) => t.dropColumn('compliant'));
  for (const table of [
    'analysis_residues',
    'analysis_result_versions',
    'analysis_imports',
    'lab_tokens',
  ])
    await knex.schema.dropTableIfExists(table);
  await knex.raw(`
    alter table analyses drop constraint if exists analyses_status;
    drop index if exists analyses_laboratory_updated_idx;
    drop index if exists analyses_status_updated_idx;
  `);
  await knex.schema.alterTable('analyses', (t) => {
    t.dropIndex(['sample_id']);
    for (const column of [
      'counter_analysis',
      'counter_analysis_reason',
      'received_at',
      'reception',
      'not_admissible_reason',
      'not_admissible_comment',
      'analysed_at',
      'methods',
      'notes',
      'result_version',
      'submitted_at',
      'submitted_by',
      'computed_compliant',
      'compliant',
      'compliance_overridden',
      'review_comment',
      'reviewed_at',
      'reviewed_by',
      'report_file_name',
      'report_size',
      'report_sha256',
      'report_storage_key',
      'report_uploaded_at',
    ])
      t.dropColumn(column);
  });
}
