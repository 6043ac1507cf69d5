import type { Db } from '@maestro/database';
import express, { type Router } from 'express';
import type { PassportStatic as Passport } from 'passport';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { UserRepository } from '../users/repository';

export interface OidcDependencies {
  db: Db;
  config: Config;
  passport: Passport;
  users: UserRepository;
  logger: Logger;
}

/** OpenID Connect login (ProConnect in production); nothing when it is not configured. */
export async function oidcRouter(_deps: OidcDependencies): Promise<Router> {
  return express.Router();
}
