import { type Db, executor } from '@maestro/database';
import type { Request } from 'express';
import session from 'express-session';

const TOUCH_INTERVAL_MS = 60_000;

const preloaded = Symbol('preloadedUser');

/** The user of a session, as read with it. */
export interface PreloadedUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: string;
  regionCode: string | null;
  departmentCode: string | null;
  laboratoryId: string | null;
  disabled: boolean;
}

type Callback = (error?: unknown, value?: session.SessionData | null) => void;

/**
 * Sessions in PostgreSQL: any API instance serves any session, and revoking a user's
 * sessions is one delete. Expired rows are pruned now and then.
 */
export class PgSessionStore extends session.Store {
  private lastPrune = 0;
  /** When this instance last pushed each session's expiry back (see `touch`). */
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: Db) {
    super();
  }

  private expiry(sess: session.SessionData): Date {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + 24 * 3600 * 1000);
  }

  private userId(sess: session.SessionData): string | null {
    const user = (sess as { passport?: { user?: unknown } }).passport?.user;
    return typeof user === 'string' ? user : null;
  }

  /**
   * The session and, in the same query, the user it belongs to: passport then takes the user
   * from the request (`preloadedUser`) instead of asking the database a second time.
   */
  override get(sid: string, callback: Callback): void {
    this.db('sessions as s')
      .leftJoin('users as u', 'u.id', 's.userId')
      .where('s.sid', sid)
      .andWhere('s.expire', '>', new Date())
      .first(
        's.sess',
        this.db.raw(
          `case when u.id is null then null else json_build_object(
            'id', u.id, 'email', u.email, 'firstName', u.first_name, 'lastName', u.last_name,
            'role', u.role, 'regionCode', u.region_code, 'departmentCode', u.department_code,
            'laboratoryId', u.laboratory_id, 'disabled', u.disabled) end as user`,
        ),
      )
      .then((row: { sess: session.SessionData; user: PreloadedUser | null } | undefined) => {
        if (!row) return callback(null, null);
        const sess = row.sess as session.SessionData & { [preloaded]?: PreloadedUser | null };
        Object.defineProperty(sess, preloaded, { value: row.user, enumerable: false });
        callback(null, sess);
      })
      .catch((error: unknown) => callback(error));
  }

  /** Hands the user read with the session to the request (see `get`). */
  override createSession(
    req: Request,
    sess: session.SessionData,
  ): session.Session & session.SessionData {
    const user = (sess as { [preloaded]?: PreloadedUser | null })[preloaded];
    if (user !== undefined)
      (req as Request & { preloadedUser?: PreloadedUser | null }).preloadedUser = user;
    return super.createSession(req, sess);
  }

  override set(sid: string, sess: session.SessionData, callback?: (error?: unknown) => void): void {
    this.pruneSometimes();
    this.db('sessions')
      .insert({
        sid,
        sess: JSON.stringify(sess),
        expire: this.expiry(sess),
        userId: this.userId(sess),
      })
      .onConflict('sid')
      .merge()
      .then(() => callback?.())
      .catch((error: unknown) => callback?.(error));
  }

  /**
   * Rolling sessions push their expiry back on every request; writing it at most once a minute
   * per session and instance saves one UPDATE (and its commit) on nearly every API call, for
   * an expiry at most a minute early on a session of hours.
   */
  override touch(sid: string, sess: session.SessionData, callback?: () => void): void {
    const now = Date.now();
    const last = this.touched.get(sid);
    if (last !== undefined && now - last < TOUCH_INTERVAL_MS) {
      callback?.();
      return;
    }
    if (this.touched.size >= 50_000) {
      for (const [key, at] of this.touched)
        if (now - at >= TOUCH_INTERVAL_MS) this.touched.delete(key);
      if (this.touched.size >= 50_000) this.touched.clear();
    }
    this.touched.set(sid, now);
    this.db('sessions')
      .where({ sid })
      .update({ expire: this.expiry(sess) })
      .then(() => callback?.())
      .catch(() => callback?.());
  }

  override destroy(sid: string, callback?: (error?: unknown) => void): void {
    this.touched.delete(sid);
    this.db('sessions')
      .where({ sid })
      .delete()
      .then(() => callback?.())
      .catch((error: unknown) => callback?.(error));
  }

  private pruneSometimes(): void {
    if (Date.now() - this.lastPrune < 10 * 60 * 1000) return;
    this.lastPrune = Date.now();
    this.db('sessions')
      .where('expire', '<', new Date())
      .delete()
      .catch(() => {});
  }
}

/**
 * Ends every session of a user, including the support sessions they opened as another user
 * (joins the ambient transaction).
 */
export async function revokeUserSessions(db: Db, userId: string): Promise<number> {
  return executor(db)('sessions')
    .where({ userId })
    .orWhereRaw(`sess->>'impersonatorId' = ?`, [userId])
    .delete();
}
