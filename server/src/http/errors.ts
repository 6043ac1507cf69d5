import type { ApiError, ApiErrorCode } from '@maestro/shared/schema';
import type { z } from 'zod';

/** An error that becomes an HTTP answer in the API's one error shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly issues: ApiError['issues'] = [],
  ) {
    super(message);
  }

  toBody(): ApiError {
    return { error: this.code, message: this.message, issues: this.issues };
  }
}

export class ValidationError extends HttpError {
  constructor(where: 'params' | 'query' | 'body', error: z.ZodError) {
    const issues = error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    super(400, 'ValidationError', 'La requête contient des données invalides.', issues);
  }
}

export class BadRequestError extends HttpError {
  constructor(message = 'La requête est mal formée.') {
    super(400, 'BadRequest', message);
  }
}

export class UnauthenticatedError extends HttpError {
  constructor(message = 'Vous devez être connecté pour accéder à cette ressource.') {
    super(401, 'Unauthenticated', message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'Votre rôle ne permet pas cette action.') {
    super(403, 'Forbidden', message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'La ressource demandée est introuvable.') {
    super(404, 'NotFound', message);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string, issues: ApiError['issues'] = []) {
    super(409, 'Conflict', message, issues);
  }
}

export class VersionConflictError extends HttpError {
  constructor(
    message = 'Cet enregistrement a été modifié entre-temps par quelqu’un d’autre : rechargez-le avant de le modifier.',
  ) {
    super(409, 'VersionConflict', message);
  }
}

export class TooManyRequestsError extends HttpError {
  constructor(retryAfterSeconds: number) {
    super(
      429,
      'TooManyRequests',
      `Trop de tentatives. Réessayez dans ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
    );
  }
}
