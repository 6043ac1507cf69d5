import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { HttpError } from './errors';

/** Security headers with a strict CSP: no inline script, nothing from another origin. */
export function securityHeaders(https: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        manifestSrc: ["'self'"],
        workerSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses a state-changing request whose Origin is neither the application's nor the host's
 * own: a cross-site form or script cannot act with the user's cookie. Requests without an
 * Origin (server-to-server, tests) go through: the SameSite=Lax cookie protects those.
 */
export function originCheck(appUrl: string): RequestHandler {
  const allowed = new URL(appUrl).origin;
  return (req, _res, next) => {
    const origin = req.headers.origin;
    if (!unsafeMethods.has(req.method) || origin === undefined) return next();
    const own = `${req.protocol}://${req.get('host')}`;
    if (origin === allowed || origin === own) return next();
    next(
      new HttpError(
        403,
        'InvalidOrigin',
        'Requête refusée : elle ne provient pas de l’application Maestro.',
      ),
    );
  };
}
