import type { z } from 'zod';
import type { Permission } from '../domain/permissions';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route: anybody, any signed-in user, or a user holding a permission. */
export type Access =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | {
      kind: 'permission';
      permission: Permission;
      /**
       * Also open to a laboratory's API token (`Authorization: Bearer mlab_…`), acting as a
       * laboratory user of that laboratory: the lab API.
       */
      labToken?: boolean;
    };

export interface RouteSpec {
  method: HttpMethod;
  /** Express-style path, e.g. `/api/users/:userId`. */
  path: string;
  /** One French sentence for the API documentation. */
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** What a success answers; undeclared fields are stripped by the server. */
  response: z.ZodType;
  /**
   * `json` (default): the handler returns data that the router parses and sends.
   * `file`: the handler writes (streams) the answer itself with its content type; `response`
   * then only documents it.
   */
  produces?: 'json' | 'file';
  /**
   * `json` (default): the body is JSON validated by `body`. `binary`: the handler reads the raw
   * request stream itself; its content type must be one of `bodyTypes` (else 415).
   */
  consumes?: 'json' | 'binary';
  bodyTypes?: readonly string[];
  /** Content types of a `file` answer, for the documentation. */
  fileTypes?: readonly string[];
  /** Success status; 204 answers no body. */
  status?: 200 | 201 | 204;
  /** Error statuses this route may answer, beyond the ones implied by its access rule. */
  errors?: readonly number[];
}

export const route = <const T extends RouteSpec>(spec: T): T => spec;

type InferOr<S, Fallback> = S extends z.ZodType ? z.output<S> : Fallback;
type InputOr<S, Fallback> = S extends z.ZodType ? z.input<S> : Fallback;

/** What a handler receives once the router validated the request. */
export interface RouteInput<R extends RouteSpec> {
  params: InferOr<R['params'], Record<string, never>>;
  query: InferOr<R['query'], Record<string, never>>;
  body: InferOr<R['body'], undefined>;
}

/** What a handler must return (before the router strips undeclared fields). */
export type RouteResult<R extends RouteSpec> = z.input<R['response']>;
/** What a client receives. */
export type RouteResponse<R extends RouteSpec> = z.output<R['response']>;

type Optionalize<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: T[K];
};

/** What a client sends: only the parts the route declares. */
export type ClientInput<R extends RouteSpec> = Optionalize<{
  params: R['params'] extends z.ZodType ? z.input<R['params']> : undefined;
  query: R['query'] extends z.ZodType ? Partial<z.input<R['query']>> | undefined : undefined;
  body: InputOr<R['body'], undefined>;
}>;

/** Fills an Express-style path with its parameters. */
export function buildPath(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}
