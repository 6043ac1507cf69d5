import { type Db, executor, inTransaction } from '@maestro/database';
import { currentContext } from '../http/context';

export interface AuditEntry {
  entity: string;
  entityId: string;
  action: string;
  before?: unknown;
  after?: unknown;
}

/** Values that never go to the audit trail. */
const secretKeys = new Set(['passwordHash', 'password', 'tokenHash']);

const scrub = (value: unknown): unknown => {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !secretKeys.has(key)));
};

/**
 * Records who did what, when, to which record, with the record before and after. Must run
 * inside the transaction of the change it records.
 */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  if (!inTransaction())
    throw new Error('recordAudit must run inside the transaction of the change');
  const context = currentContext();
  await executor(db)('auditEvents').insert({
    userId: context?.userId ?? null,
    impersonatedBy: context?.impersonatedBy ?? null,
    labTokenId: context?.labTokenId ?? null,
    requestId: context?.requestId ?? null,
    entity: entry.entity,
    entityId: entry.entityId,
    action: entry.action,
    before: entry.before == null ? null : JSON.stringify(scrub(entry.before)),
    after: entry.after == null ? null : JSON.stringify(scrub(entry.after)),
  });
}
