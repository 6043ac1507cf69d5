import { z } from 'zod';
import { ApiError } from '../schema/common/common';
import type { Contract } from './contract';
import type { RouteSpec } from './route';

type JsonSchema = Record<string, unknown>;

const toJsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date') {
        ctx.jsonSchema.type = 'string';
        ctx.jsonSchema.format = 'date-time';
      }
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
};

const ErrorStatusDescriptions: Record<number, string> = {
  400: 'Requête invalide : le détail est dans `issues`.',
  401: 'Authentification requise.',
  403: 'Action non permise pour ce rôle ou ce périmètre.',
  404: 'Ressource introuvable.',
  409: 'Conflit : la ressource a changé entre-temps ou existe déjà.',
  413: 'Corps de requête trop volumineux.',
  429: 'Trop de tentatives : réessayez plus tard.',
  503: 'Service indisponible.',
};

function errorStatuses(spec: RouteSpec): number[] {
  const statuses = new Set<number>(spec.errors ?? []);
  if (spec.params || spec.query || spec.body) statuses.add(400);
  if (spec.access.kind !== 'public') statuses.add(401);
  if (spec.access.kind === 'permission') statuses.add(403);
  return [...statuses].sort();
}

function parameters(spec: RouteSpec): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    for (const [name, field] of Object.entries(schema.shape)) {
      const fieldSchema = field as z.ZodType;
      out.push({
        name,
        in: where,
        required: where === 'path' || !fieldSchema.safeParse(undefined).success,
        schema: toJsonSchema(fieldSchema, 'input'),
      });
    }
  }
  return out;
}

/** The OpenAPI 3.1 document of the API, generated from the contract table. */
export function buildOpenApi(contract: Contract, info: { version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, spec] of Object.entries(contract) as [string, RouteSpec][]) {
    const path = spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const status = spec.status ?? 200;
    const responses: Record<string, unknown> = {
      [status]:
        status === 204
          ? { description: 'Succès, sans contenu.' }
          : spec.produces === 'file'
            ? {
                description: 'Fichier.',
                content: Object.fromEntries(
                  (spec.fileTypes ?? ['application/octet-stream']).map((type) => [
                    type,
                    { schema: { type: 'string', contentMediaType: type } },
                  ]),
                ),
              }
            : {
                description: 'Succès.',
                content: { 'application/json': { schema: toJsonSchema(spec.response, 'output') } },
              },
    };
    for (const errorStatus of errorStatuses(spec)) {
      responses[errorStatus] = {
        description: ErrorStatusDescriptions[errorStatus] ?? 'Erreur.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
      };
    }
    const operation: Record<string, unknown> = {
      operationId,
      summary: spec.summary,
      tags: [spec.tag],
      parameters: parameters(spec),
      responses,
      security:
        spec.access.kind === 'public'
          ? []
          : spec.access.kind === 'permission' && spec.access.labToken
            ? [{ session: [] }, { bearer: [] }]
            : [{ session: [] }],
    };
    if (spec.access.kind === 'permission') operation['x-permission'] = spec.access.permission;
    if (spec.consumes === 'binary') {
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(
          (spec.bodyTypes ?? ['application/octet-stream']).map((type) => [
            type,
            { schema: { type: 'string', format: 'binary' } },
          ]),
        ),
      };
    }
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: toJsonSchema(spec.body, 'input') } },
      };
    }
    paths[path] = { ...paths[path], [spec.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Maestro — API',
      version: info.version,
      description:
        'API des plans de surveillance et de contrôle. Chaque erreur répond `{ error, message, issues }`.\n\n' +
        'Les laboratoires s’y intègrent (réception, résultats, import de fichiers) avec un jeton d’API ' +
        'créé pour eux par un administrateur : en-tête `Authorization: Bearer mlab_…` ; le jeton agit ' +
        'comme un utilisateur du laboratoire, sur les seules opérations qui l’acceptent (sécurité `bearer`).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { ApiError: toJsonSchema(ApiError, 'output') },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'maestro.sid' },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'mlab_…',
          description:
            'Jeton d’API d’un laboratoire (`mlab_` suivi de 43 caractères), créé par un administrateur ; révocable.',
        },
      },
    },
  };
}
