import type { Db } from '@maestro/database';

export interface RateLimitResult {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * A fixed-window counter in PostgreSQL, so that every API instance shares it. Each call
 * counts one hit on `key`.
 */
export async function hitRateLimit(
  db: Db,
  key: string,
  max: number,
  windowMinutes: number,
): Promise<RateLimitResult> {
  const result = await db.raw<{ rows: { hits: number; retryAfter: number }[] }>(
    `insert into rate_limits (key, hits, window_ends_at)
     values (?, 1, now() + make_interval(mins => ?))
     on conflict (key) do update set
       hits = case when rate_limits.window_ends_at <= now() then 1 else rate_limits.hits + 1 end,
       window_ends_at = case when rate_limits.window_ends_at <= now() then excluded.window_ends_at
                             else rate_limits.window_ends_at end
     returning hits, ceil(extract(epoch from window_ends_at - now()))::int as retry_after`,
    [key, windowMinutes],
  );
  const row = result.rows[0];
  if (!row) throw new Error('rate limit upsert returned nothing');
  return { allowed: row.hits <= max, retryAfterSeconds: Math.max(1, row.retryAfter) };
}

export async function resetRateLimit(db: Db, key: string): Promise<void> {
  await db('rateLimits').where({ key }).delete();
}
