import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError, NotFoundError } from './errors';

type BodyParserError = Error & { type?: string; status?: number; expose?: boolean };

/** Maps anything thrown to the one error shape; never lets a stack trace reach a client. */
export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  let httpError: HttpError;
  if (error instanceof HttpError) {
    httpError = error;
  } else {
    const e = error as BodyParserError;
    if (e?.type === 'entity.too.large') {
      httpError = new HttpError(
        413,
        'PayloadTooLarge',
        'Le corps de la requête dépasse la taille permise (1 Mo).',
      );
    } else if (e?.type === 'entity.parse.failed') {
      httpError = new HttpError(
        400,
        'BadRequest',
        'Le corps de la requête n’est pas un JSON valide.',
      );
    } else if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
      httpError = new HttpError(
        415,
        'UnsupportedMediaType',
        'L’encodage du corps de la requête n’est pas pris en charge.',
      );
    } else if (error instanceof URIError && e.status === 400) {
      // A path segment no decoder reads (`/api/samples/%E0%A4%A`): the router refuses it
      // (status 400, not marked as exposable) before any route runs.
      httpError = new HttpError(400, 'BadRequest', 'L’adresse demandée est mal encodée.');
    } else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
      httpError = new HttpError(400, 'BadRequest', 'La requête est mal formée.');
    } else {
      req.log?.error({ err: error }, 'unhandled error');
      httpError = new HttpError(
        500,
        'InternalError',
        'Une erreur interne est survenue. L’équipe technique a été prévenue.',
      );
    }
  }
  if (httpError.status === 429) res.setHeader('Retry-After', '900');
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(httpError.status).json(httpError.toBody());
};

export const apiNotFound: RequestHandler = (_req, _res, next) => {
  next(new NotFoundError('Cette adresse de l’API n’existe pas.'));
};
