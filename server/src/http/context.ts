import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting, for logs and the audit trail; set once per request. */
export interface RequestContext {
  requestId: string;
  userId: string | null;
  impersonatedBy: string | null;
  /** Set when a laboratory's API token authenticates the request (then `userId` is null). */
  labTokenId?: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const runWithContext = <T>(context: RequestContext, work: () => T): T =>
  storage.run(context, work);

export const currentContext = (): RequestContext | undefined => storage.getStore();

/**
 * The user to store in `created_by`-like columns: null when a laboratory's API token acts (its
 * id is in `labTokenId`), so that no column ever references a user that is not one.
 */
export const actingUserId = (): string | null => currentContext()?.userId ?? null;

export const actingLabTokenId = (): string | null => currentContext()?.labTokenId ?? null;
