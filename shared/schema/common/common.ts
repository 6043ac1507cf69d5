import { z } from 'zod';

export const Id = z.uuid({ message: 'Identifiant invalide.' });
export type Id = z.infer<typeof Id>;

export const Version = z.number().int().min(1);

export const PageQuery = z.object({
  page: z.number().int().min(1).default(1),
  perPage: z.number().int().min(1).max(200).default(20),
});
export type PageQuery = z.infer<typeof PageQuery>;

export const paginated = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int().min(0),
    page: z.number().int().min(1),
    perPage: z.number().int().min(1),
  });

/** One shape for every 4xx and 5xx answer of the API. */
export const ApiError = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type ApiError = z.infer<typeof ApiError>;

export const ApiErrorCode = z.enum([
  'BadRequest',
  'ValidationError',
  'Unauthenticated',
  'Forbidden',
  'NotFound',
  'Conflict',
  'VersionConflict',
  'PayloadTooLarge',
  'UnsupportedMediaType',
  'TooManyRequests',
  'InvalidOrigin',
  'InternalError',
  'ServiceUnavailable',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;
