import type { Company, CompanySearchQuery, CompanySearchResult } from '@maestro/shared/schema';
import type { Logger } from 'pino';
import { z } from 'zod';

/** Looks companies up in the public directory; never fails: an outage answers `available: false`. */
export interface CompanyDirectory {
  search(query: CompanySearchQuery): Promise<CompanySearchResult>;
}

export interface CompanyDirectoryOptions {
  /** Base URL of the "API Recherche d'entreprises" (or of a stub in tests). */
  baseUrl: string;
  /** Whole-request budget (connection, answer and body), in milliseconds. */
  timeoutMs: number;
  logger: Logger;
  /** How long a successful answer is reused, in milliseconds; 0 disables the cache. */
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
  now?: () => number;
}

/** Companies answered at most, whatever the directory sends. */
export const COMPANY_SEARCH_LIMIT = 20;
/** An answer larger than this is not a search answer: refused unread. */
const MAX_BODY_CHARS = 5_000_000;

const unavailable = (): CompanySearchResult => ({ companies: [], available: false });

// Lenient reading of the directory's answer: a missing or odd optional field becomes null,
// an entry without a usable identifier is skipped, never the whole answer.
const optionalText = z.string().trim().min(1).nullable().catch(null);
const coordinate = (limit: number) =>
  z
    .preprocess(
      (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
      z.number().min(-limit).max(limit),
    )
    .nullable()
    .catch(null);
const departmentCode = z
  .string()
  .trim()
  .regex(/^(?:\d{2,3}|2[AB])$/)
  .nullable()
  .catch(null);

const RawEstablishment = z.object({
  siret: z.string().regex(/^\d{14}$/),
  adresse: optionalText,
  code_postal: optionalText,
  libelle_commune: optionalText,
  departement: departmentCode,
  activite_principale: optionalText,
  latitude: coordinate(90),
  longitude: coordinate(180),
});
type RawEstablishment = z.infer<typeof RawEstablishment>;

const RawCompany = z.object({
  siren: z.string().regex(/^\d{9}$/),
  nom_complet: optionalText,
  nom_raison_sociale: optionalText,
  activite_principale: optionalText,
  siege: z.unknown(),
  matching_etablissements: z.array(z.unknown()).catch([]),
});
type RawCompany = z.infer<typeof RawCompany>;

const RawAnswer = z.object({ results: z.array(z.unknown()) });

type SearchKind = 'siret' | 'siren' | 'name';

/** A SIRET or SIREN may be typed with spaces or dots; a name is sent as typed. */
function classify(q: string): { kind: SearchKind; text: string } {
  const compact = q.replace(/[\s.]/g, '');
  if (/^\d{14}$/.test(compact)) return { kind: 'siret', text: compact };
  if (/^\d{9}$/.test(compact)) return { kind: 'siren', text: compact };
  return { kind: 'name', text: q.trim() };
}

/** The directory's `adresse` ends with the postal code and the town: kept apart in `Company`. */
function streetAddress(
  address: string | null,
  postalCode: string | null,
  city: string | null,
): string | null {
  if (!address) return null;
  const tail = [postalCode, city].filter(Boolean).join(' ').toUpperCase();
  if (tail && address.toUpperCase().endsWith(tail)) {
    const street = address.slice(0, address.length - tail.length).trim();
    return street === '' ? null : street;
  }
  return address;
}

function toCompany(company: RawCompany, name: string, establishment: RawEstablishment): Company {
  return {
    siret: establishment.siret,
    siren: company.siren,
    name,
    address: streetAddress(
      establishment.adresse,
      establishment.code_postal,
      establishment.libelle_commune,
    ),
    postalCode: establishment.code_postal,
    city: establishment.libelle_commune,
    departmentCode: establishment.departement,
    nafCode: establishment.activite_principale ?? company.activite_principale,
    latitude: establishment.latitude,
    longitude: establishment.longitude,
  };
}

function establishmentsOf(raw: unknown[], siren: string): RawEstablishment[] {
  return raw.flatMap((entry) => {
    const parsed = RawEstablishment.safeParse(entry);
    return parsed.success && parsed.data.siret.startsWith(siren) ? [parsed.data] : [];
  });
}

/**
 * Turns the directory's results into establishments: for each company, the establishments
 * that matched the search, else its head office. A SIRET search keeps the establishment of
 * that SIRET when the directory gives it, a SIREN search the establishments of that SIREN.
 */
export function toCompanies(
  results: unknown[],
  search: { kind: SearchKind; text: string; departmentCode?: string },
): Company[] {
  const companies: Company[] = [];
  const exact: Company[] = [];
  const seen = new Set<string>();
  for (const entry of results) {
    const parsed = RawCompany.safeParse(entry);
    if (!parsed.success) continue;
    const company = parsed.data;
    const name = company.nom_complet ?? company.nom_raison_sociale;
    if (!name) continue;
    if (search.kind !== 'name' && company.siren !== search.text.slice(0, 9)) continue;
    const matching = establishmentsOf(company.matching_etablissements, company.siren);
    const headOffice = establishmentsOf([company.siege], company.siren);
    if (search.kind === 'siret') {
      const found = [...matching, ...headOffice].find((e) => e.siret === search.text);
      if (found && !exact.some((c) => c.siret === found.siret)) {
        exact.push(toCompany(company, name, found));
      }
    }
    for (const establishment of matching.length > 0 ? matching : headOffice) {
      if (seen.has(establishment.siret)) continue;
      if (
        search.departmentCode &&
        establishment.departement &&
        establishment.departement !== search.departmentCode
      ) {
        continue;
      }
      seen.add(establishment.siret);
      companies.push(toCompany(company, name, establishment));
    }
  }
  return (exact.length > 0 ? exact : companies).slice(0, COMPANY_SEARCH_LIMIT);
}

function describeError(error: unknown): { reason: string; code?: string } {
  if (!(error instanceof Error)) return { reason: 'unknown' };
  const cause = error.cause as { code?: unknown } | undefined;
  return {
    reason: error.name,
    ...(typeof cause?.code === 'string' ? { code: cause.code } : {}),
  };
}

/**
 * The public "API Recherche d'entreprises" (no key). Whatever goes wrong (network, timeout,
 * error status, unexpected answer) is logged without the search text, which may be a
 * person's name, and answered as `available: false` so that the user types the company.
 */
export function createCompanyDirectory({
  baseUrl,
  timeoutMs,
  logger,
  cacheTtlMs = 5 * 60_000,
  cacheMaxEntries = 500,
  now = Date.now,
}: CompanyDirectoryOptions): CompanyDirectory {
  const endpoint = new URL('search', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const cache = new Map<string, { expiresAt: number; result: CompanySearchResult }>();

  const remember = (key: string, result: CompanySearchResult) => {
    if (cacheTtlMs <= 0 || cacheMaxEntries <= 0) return;
    cache.delete(key);
    while (cache.size >= cacheMaxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    cache.set(key, { expiresAt: now() + cacheTtlMs, result });
  };

  const recall = (key: string): CompanySearchResult | undefined => {
    const hit = cache.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= now()) {
      cache.delete(key);
      return undefined;
    }
    return hit.result;
  };

  return {
    async search(query) {
      const search = { ...classify(query.q), departmentCode: query.departmentCode };
      const key = `${search.kind}|${search.text.toLowerCase()}|${search.departmentCode ?? ''}`;
      const cached = recall(key);
      if (cached) return { companies: [...cached.companies], available: true };

      const url = new URL(endpoint);
      url.searchParams.set('q', search.text);
      url.searchParams.set('page', '1');
      url.searchParams.set('per_page', String(COMPANY_SEARCH_LIMIT));
      if (search.departmentCode) url.searchParams.set('departement', search.departmentCode);

      const startedAt = Date.now();
      const warn = (details: Record<string, unknown>) => {
        logger.warn(
          { ...details, kind: search.kind, durationMs: Date.now() - startedAt },
          'company directory unavailable',
        );
        return unavailable();
      };
      try {
        const response = await fetch(url, {
          headers: { Accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!response.ok) {
          await response.body?.cancel().catch(() => {});
          return warn({ reason: 'status', status: response.status });
        }
        const text = await response.text();
        if (text.length > MAX_BODY_CHARS) return warn({ reason: 'too large' });
        const answer = RawAnswer.safeParse(JSON.parse(text));
        if (!answer.success) return warn({ reason: 'unexpected answer' });
        const result = { companies: toCompanies(answer.data.results, search), available: true };
        remember(key, result);
        return { companies: [...result.companies], available: true };
      } catch (error) {
        return warn(describeError(error));
      }
    },
  };
}
