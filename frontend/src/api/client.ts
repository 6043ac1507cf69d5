import {
  buildPath,
  type ClientInput,
  type Contract,
  contract,
  type OperationId,
  type RouteResponse,
  type RouteSpec,
} from '@maestro/shared/contract';
import { ApiError } from '@maestro/shared/schema';

/** An answer of the API other than a success, with its French message and field issues. */
export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(body.message);
  }

  /** The message of one field (`body.email` → "Adresse déjà utilisée."), if any. */
  issueFor(path: string): string | undefined {
    return this.body.issues.find((issue) => issue.path === path || issue.path.endsWith(`.${path}`))
      ?.message;
  }
}

const listeners = new Set<() => void>();
/** Called whenever the API answers 401: the session is gone (logout, expiry, disabled account). */
export const onUnauthenticated = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      params.append(key, item instanceof Date ? item.toISOString() : String(item));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** French messages for answers that carry no API error (a proxy's page), by status. */
export type FallbackMessages = Partial<Record<number, string>>;

async function errorOf(
  response: Response,
  messages: FallbackMessages = {},
): Promise<ApiClientError> {
  const fallback: ApiError = {
    error: 'InternalError',
    message:
      messages[response.status] ??
      (response.status >= 500
        ? 'Le service est momentanément indisponible. Réessayez dans quelques instants.'
        : 'La requête a été refusée.'),
    issues: [],
  };
  try {
    const parsed = ApiError.safeParse(await response.json());
    return new ApiClientError(response.status, parsed.success ? parsed.data : fallback);
  } catch {
    return new ApiClientError(response.status, fallback);
  }
}

type Input = {
  params?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
};

/** A file sent as the raw body of a binary operation (`consumes: 'binary'`). */
interface RawBody {
  content: Blob;
  contentType: string;
  messages?: FallbackMessages;
}

async function call(operationId: OperationId, input: Input = {}, raw?: RawBody): Promise<unknown> {
  const spec: RouteSpec = contract[operationId];
  const url = buildPath(spec.path, input.params) + queryString(input.query);
  let response: Response;
  try {
    response = await fetch(url, {
      method: spec.method.toUpperCase(),
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        ...(raw
          ? { 'Content-Type': raw.contentType }
          : input.body !== undefined
            ? { 'Content-Type': 'application/json' }
            : {}),
      },
      body: raw ? raw.content : input.body !== undefined ? JSON.stringify(input.body) : undefined,
    });
  } catch {
    throw new ApiClientError(0, {
      error: 'NetworkError',
      message: 'Le serveur est injoignable. Vérifiez votre connexion puis réessayez.',
      issues: [],
    });
  }
  if (!response.ok) {
    const error = await errorOf(response, raw?.messages);
    if (response.status === 401 && operationId !== 'login')
      for (const listener of listeners) listener();
    throw error;
  }
  if (response.status === 204) return null;
  // Parse every answer: dates become Dates, and a drift from the contract is noticed.
  const parsed = spec.response.safeParse(await response.json());
  if (!parsed.success) {
    if (import.meta.env.DEV)
      console.error(`Réponse non conforme au contrat (${operationId})`, parsed.error);
    throw new ApiClientError(response.status, {
      error: 'ContractMismatch',
      message: 'La réponse du serveur est inattendue. Rechargez la page.',
      issues: [],
    });
  }
  return parsed.data;
}

type Caller<R extends RouteSpec> =
  Record<string, never> extends ClientInput<R>
    ? (input?: ClientInput<R>) => Promise<RouteResponse<R>>
    : (input: ClientInput<R>) => Promise<RouteResponse<R>>;

/** The typed API client: one function per operation of the contract. */
export const api = Object.fromEntries(
  (Object.keys(contract) as OperationId[]).map((id) => [id, (input?: Input) => call(id, input)]),
) as unknown as { [K in OperationId]: Caller<Contract[K]> };

/**
 * Sends a file as the raw body of a binary operation (an attachment, a report, a result file):
 * the same errors, 401 handling and answer parsing as every call. `messages` words the refusals
 * that come without an API error (e.g. a proxy's 413).
 */
export function apiUpload<K extends OperationId>(
  operationId: K,
  input: ClientInput<Contract[K]>,
  file: { content: Blob; contentType: string; messages?: FallbackMessages },
): Promise<RouteResponse<Contract[K]>> {
  if ((contract[operationId] as RouteSpec).consumes !== 'binary')
    throw new Error(`${operationId} does not take a file`);
  return call(operationId, input as Input, file) as Promise<RouteResponse<Contract[K]>>;
}

/**
 * The address of an operation, for what the browser must fetch itself (a file download link).
 * Built from the contract like every call, never by hand.
 */
export function apiUrl<K extends OperationId>(
  operationId: K,
  input: ClientInput<Contract[K]>,
): string {
  const { params, query } = input as Input;
  return buildPath(contract[operationId].path, params) + queryString(query);
}
