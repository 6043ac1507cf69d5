import type { Knex } from 'knex';
import * as m001 from './001_foundation';
import * as m002 from './002_referential_state';
import * as m003 from './003_programming';
import * as m004 from './004_samples';
import * as m005 from './005_mail_outbox';
import * as m006 from './006_sample_list_indexes';
import * as m007 from './007_analyses';
import * as m008 from './008_load_indexes';

/**
 * Every migration, in order. Listed explicitly so that knex never has to load `.ts` files
 * itself (it cannot inside vitest). Never edit a landed migration: add a new one.
 */
export const migrations: Record<string, Knex.Migration> = {
  '001_foundation': m001,
  '002_referential_state': m002,
  '003_programming': m003,
  '004_samples': m004,
  '005_mail_outbox': m005,
  '006_sample_list_indexes': m006,
  '007_analyses': m007,
  '008_load_indexes': m008,
};
