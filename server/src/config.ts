import { z } from 'zod';

const Bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const Env = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    /** Public URL of the application (origin check, OpenID Connect redirect). */
    APP_URL: z.url().optional(),
    DATABASE_URL: z.url().optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
    /** Folder of the embedded database, files and captured mail. */
    DATA_DIR: z.string().default('.data'),
    EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
    SESSION_SECRET: z
      .string()
      .min(32, { message: 'SESSION_SECRET doit comporter au moins 32 caractères.' })
      .optional(),
    SESSION_MAX_AGE_HOURS: z.coerce
      .number()
      .min(1)
      .max(24 * 30)
      .default(12),
    LOGIN_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(10),
    LOGIN_RATE_LIMIT_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    SEED_DEMO: Bool.default(true),
    /** Express's "trust proxy": a hop count (1 behind one proxy), `true`/`false`, or addresses. */
    TRUST_PROXY: z
      .string()
      .transform((value): boolean | number | string => {
        if (value === 'true') return true;
        if (value === 'false') return false;
        return /^\d+$/.test(value) ? Number(value) : value;
      })
      .optional(),
    /** Mail relay; without it, mails are captured as .eml files under DATA_DIR/mail. */
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(25),
    SMTP_SECURE: Bool.default(false),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    MAIL_FROM: z.string().min(3).default('Maestro <ne-pas-repondre@maestro.localhost>'),
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_LABEL: z.string().default('ProConnect'),
    OIDC_SCOPES: z.string().default('openid email given_name usual_name'),
    /** Only for tests against a local provider over http. */
    OIDC_ALLOW_INSECURE: Bool.default(false),
    /** File store; without S3_BUCKET, files go to the folder DATA_DIR/files. */
    S3_ENDPOINT: z.url().optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
        message:
          'S3_BUCKET doit être un nom de compartiment valide (3 à 63 caractères : minuscules, chiffres, points, tirets).',
      })
      .optional(),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: Bool.default(true),
    /** Public company directory ("API Recherche d'entreprises"), queried without a key. */
    COMPANY_SEARCH_URL: z.url().default('https://recherche-entreprises.api.gouv.fr'),
    COMPANY_SEARCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message: 'SESSION_SECRET est obligatoire en production.',
      });
    }
    if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message:
          'DATABASE_URL est obligatoire en production (la base embarquée sert au développement).',
      });
    }
    if (env.NODE_ENV === 'production' && !env.APP_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['APP_URL'],
        message: 'APP_URL est obligatoire en production.',
      });
    }
    const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_ISSUER'],
        message: 'OIDC_ISSUER, OIDC_CLIENT_ID et OIDC_CLIENT_SECRET vont ensemble.',
      });
    }
    if (env.S3_BUCKET && !(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_BUCKET'],
        message: 'S3_ACCESS_KEY_ID et S3_SECRET_ACCESS_KEY sont obligatoires avec S3_BUCKET.',
      });
    }
    if (!env.S3_BUCKET && (env.S3_ENDPOINT || env.S3_ACCESS_KEY_ID || env.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_BUCKET'],
        message:
          'S3_BUCKET manque : sans lui, les fichiers iraient dans le dossier local malgré les autres variables S3_*.',
      });
    }
  });

export type Config = z.output<typeof Env> & {
  sessionSecret: string;
  appUrl: string;
  /** Cookies marked Secure and HTTPS-only policies: production served over https. */
  secureCookies: boolean;
  oidc: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    label: string;
    scopes: string;
    allowInsecure: boolean;
  } | null;
};

export class ConfigError extends Error {}

/** Parses the environment once at start; refuses to start on a bad or missing value. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = Env.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `- ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Configuration invalide :\n${lines.join('\n')}`);
  }
  const parsed = result.data;
  return {
    ...parsed,
    // Outside production a fixed development secret keeps sessions across restarts.
    sessionSecret: parsed.SESSION_SECRET ?? 'maestro-development-secret-not-for-production-use',
    appUrl: parsed.APP_URL ?? `http://localhost:${parsed.PORT}`,
    secureCookies: parsed.NODE_ENV === 'production' && (parsed.APP_URL ?? '').startsWith('https:'),
    oidc:
      parsed.OIDC_ISSUER && parsed.OIDC_CLIENT_ID && parsed.OIDC_CLIENT_SECRET
        ? {
            issuer: parsed.OIDC_ISSUER,
            clientId: parsed.OIDC_CLIENT_ID,
            clientSecret: parsed.OIDC_CLIENT_SECRET,
            label: parsed.OIDC_LABEL,
            scopes: parsed.OIDC_SCOPES,
            allowInsecure: parsed.OIDC_ALLOW_INSECURE,
          }
        : null,
  };
}
