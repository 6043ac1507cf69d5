import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting, for logs and the audit trail; set once per request. */
export interface RequestContext {
  requestId: string;
  userId: string | null;
  impersonatedBy: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const runWithContext = <T>(context: RequestContext, work: () => T): T =>
  storage.run(context, work);

export const currentContext = (): RequestContext | undefined => storage.getStore();
