import { z } from 'zod';
import { ApiError, Id, paginated } from '../schema/common/common';
import { Laboratory } from '../schema/laboratory/laboratory';
import {
  AuthUser,
  Credentials,
  FindUsersQuery,
  User,
  UserToCreate,
  UserToUpdate,
} from '../schema/user/user';
import { analysisRoutes } from './analyses';
import { companyRoutes } from './companies';
import { programmingRoutes } from './programming';
import { referentialRoutes } from './referential';
import { route } from './route';
import { sampleRoutes } from './samples';

export const Health = z.object({
  status: z.literal('ok'),
  database: z.object({ ok: z.boolean(), latencyMs: z.number() }),
  version: z.string(),
  uptimeSeconds: z.number(),
});
export type Health = z.infer<typeof Health>;

export const Session = z.object({
  user: AuthUser,
  impersonatedBy: AuthUser.nullable(),
});
export type Session = z.infer<typeof Session>;

export const AuthConfig = z.object({
  oidcEnabled: z.boolean(),
  oidcLabel: z.string(),
});

const UserIdParams = z.object({ userId: Id });

/** Whom an administrator acts as, for support. */
export const ImpersonationInput = z.object({ userId: Id });
export type ImpersonationInput = z.infer<typeof ImpersonationInput>;

/** The API: one entry per operation. The server must handle each; the client calls each. */
export const contract = {
  getHealth: route({
    method: 'get',
    path: '/api/health',
    summary: 'État du service et de sa base de données.',
    tag: 'Service',
    access: { kind: 'public' },
    response: Health,
    errors: [503],
  }),
  getAuthConfig: route({
    method: 'get',
    path: '/api/auth/config',
    summary: 'Modes de connexion disponibles.',
    tag: 'Authentification',
    access: { kind: 'public' },
    response: AuthConfig,
  }),
  login: route({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Connexion par adresse e-mail et mot de passe.',
    tag: 'Authentification',
    access: { kind: 'public' },
    body: Credentials,
    response: Session,
    errors: [401, 429],
  }),
  logout: route({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Déconnexion : la session est supprimée.',
    tag: 'Authentification',
    access: { kind: 'authenticated' },
    response: z.null(),
    status: 204,
  }),
  getSession: route({
    method: 'get',
    path: '/api/auth/session',
    summary: 'L’utilisateur connecté.',
    tag: 'Authentification',
    access: { kind: 'authenticated' },
    response: Session,
  }),
  startImpersonation: route({
    method: 'post',
    path: '/api/auth/impersonation',
    summary:
      'Assistance : l’administrateur agit en tant qu’un utilisateur ; chaque action est tracée avec son nom.',
    tag: 'Authentification',
    access: { kind: 'permission', permission: 'user.impersonate' },
    body: ImpersonationInput,
    response: Session,
    errors: [404, 409],
  }),
  stopImpersonation: route({
    method: 'delete',
    path: '/api/auth/impersonation',
    summary: 'Fin de l’assistance : retour au compte de l’administrateur.',
    tag: 'Authentification',
    access: { kind: 'authenticated' },
    response: Session,
    errors: [409],
  }),
  findUsers: route({
    method: 'get',
    path: '/api/users',
    summary: 'Liste paginée des utilisateurs, filtrée.',
    tag: 'Utilisateurs',
    access: { kind: 'permission', permission: 'user.manage' },
    query: FindUsersQuery,
    response: paginated(User),
  }),
  getUser: route({
    method: 'get',
    path: '/api/users/:userId',
    summary: 'Un utilisateur.',
    tag: 'Utilisateurs',
    access: { kind: 'permission', permission: 'user.manage' },
    params: UserIdParams,
    response: User,
    errors: [404],
  }),
  createUser: route({
    method: 'post',
    path: '/api/users',
    summary: 'Création d’un utilisateur avec son rôle et son périmètre.',
    tag: 'Utilisateurs',
    access: { kind: 'permission', permission: 'user.manage' },
    body: UserToCreate,
    response: User,
    status: 201,
    errors: [409],
  }),
  updateUser: route({
    method: 'put',
    path: '/api/users/:userId',
    summary: 'Modification du rôle, du périmètre ou de l’état d’un utilisateur.',
    tag: 'Utilisateurs',
    access: { kind: 'permission', permission: 'user.manage' },
    params: UserIdParams,
    body: UserToUpdate,
    response: User,
    errors: [404, 409],
  }),
  findLaboratories: route({
    method: 'get',
    path: '/api/laboratories',
    summary: 'Les laboratoires agréés.',
    tag: 'Référentiels',
    access: { kind: 'permission', permission: 'laboratory.read' },
    response: z.array(Laboratory),
  }),
  ...programmingRoutes,
  ...sampleRoutes,
  ...analysisRoutes,
  ...referentialRoutes,
  ...companyRoutes,
} as const;

export type Contract = typeof contract;
export type OperationId = keyof Contract;
export { ApiError };
