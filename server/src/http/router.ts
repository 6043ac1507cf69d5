import {
  type Contract,
  contract,
  type OperationId,
  type RouteInput,
  type RouteResult,
  type RouteSpec,
} from '@maestro/shared/contract';
import { hasPermission } from '@maestro/shared/domain';
import type { AuthUser } from '@maestro/shared/schema';
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { coerceForSchema } from './coerce';
import { ForbiddenError, HttpError, UnauthenticatedError, ValidationError } from './errors';
import { bearerToken, type LabTokenAuthenticator } from './labTokenAuth';

export interface HandlerContext<R extends RouteSpec> extends RouteInput<R> {
  user: R['access'] extends { kind: 'public' } ? AuthUser | undefined : AuthUser;
  req: Request;
  res: Response;
}

export type Handler<R extends RouteSpec> = (context: HandlerContext<R>) => Promise<RouteResult<R>>;

/** One handler per operation of the contract: a missing one does not compile. */
export type Handlers = { [K in OperationId]: Handler<Contract[K]> };
export type HandlersOf<K extends OperationId> = Pick<Handlers, K>;

/** Where a value holds U+0000, which no PostgreSQL text column can store. */
function nullCharacterAt(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    const found = nullCharacterAt(child, [...path, key]);
    if (found) return found;
  }
  return null;
}

function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'params' | 'query' | 'body',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(where, result.error);
  // Refused here rather than by the database (a 500 on any write or search).
  const nul = nullCharacterAt(result.data);
  if (nul)
    throw new HttpError(400, 'ValidationError', 'La requête contient des données invalides.', [
      { path: [where, ...nul].join('.'), message: 'Caractère nul (U+0000) non autorisé.' },
    ]);
  return result.data;
}

function hasBody(req: Request): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
  );
}

/**
 * The Express router of the contract: for each operation it checks access (401, then 403),
 * coerces and validates params, query and body (400), calls the handler, then parses the
 * answer with the declared schema so that no undeclared field leaves the server.
 */
export function contractRouter(
  handlers: Handlers,
  logger: Logger,
  options: {
    /** Opens the routes marked `labToken` to a laboratory's API token (bearer). */
    labTokens?: LabTokenAuthenticator;
  } = {},
): express.Router {
  const router = express.Router();
  for (const [operationId, spec] of Object.entries(contract) as [OperationId, RouteSpec][]) {
    const handler = handlers[operationId] as unknown as Handler<RouteSpec>;
    router[spec.method](spec.path, async (req, res, next) => {
      try {
        let user = req.user as AuthUser | undefined;
        // Without a session, a route of the laboratory API accepts a laboratory's API token; a
        // bearer token elsewhere is ignored.
        if (!user && spec.access.kind === 'permission' && spec.access.labToken) {
          const token = options.labTokens ? bearerToken(req) : null;
          if (token !== null) user = await options.labTokens?.authenticate(token, req);
        }
        if (spec.access.kind !== 'public' && !user) throw new UnauthenticatedError();
        if (spec.access.kind === 'permission' && !hasPermission(user, spec.access.permission)) {
          throw new ForbiddenError();
        }
        if (spec.consumes === 'binary') {
          const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
          if (!type || !(spec.bodyTypes ?? []).includes(type)) {
            throw new HttpError(
              415,
              'UnsupportedMediaType',
              `Type de fichier non accepté. Types acceptés : ${(spec.bodyTypes ?? []).join(', ')}.`,
            );
          }
        } else if (spec.body && hasBody(req) && !req.is('application/json')) {
          throw new HttpError(
            415,
            'UnsupportedMediaType',
            'Le corps de la requête doit être au format JSON.',
          );
        }
        const params = spec.params
          ? validate(spec.params, coerceForSchema(spec.params, req.params), 'params')
          : {};
        const query = spec.query
          ? validate(
              spec.query,
              coerceForSchema(spec.query, req.query as Record<string, unknown>),
              'query',
            )
          : {};
        const body = spec.body ? validate(spec.body, req.body, 'body') : undefined;
        const result = await handler({
          params,
          query,
          body,
          user,
          req,
          res,
        } as HandlerContext<RouteSpec>);
        if (spec.produces === 'file') {
          if (!res.headersSent) throw new Error(`${operationId} produces a file but wrote nothing`);
          return;
        }
        if (res.headersSent) return;
        const status = spec.status ?? 200;
        if (status === 204) {
          res.status(204).end();
          return;
        }
        const parsed = spec.response.safeParse(result);
        if (!parsed.success) {
          logger.error(
            { operationId, issues: parsed.error.issues },
            'response does not match the contract',
          );
          throw new Error(`Response of ${operationId} does not match the contract`);
        }
        res.status(status).json(parsed.data);
      } catch (error) {
        next(error);
      }
    });
  }
  return router;
}
