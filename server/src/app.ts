import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Db } from '@maestro/database';
import express, { type Express } from 'express';
import session from 'express-session';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { type CompanyDirectory, createCompanyDirectory } from './adapters/companies';
import { createMailer, type Mailer } from './adapters/mail';
import { createStorage, type FileStorage } from './adapters/storage';
import { analysisExportHandlers } from './analyses/export';
import { importHandlers } from './analyses/import/routes';
import { createImportService } from './analyses/import/service';
import { analysisHandlers } from './analyses/routes';
import { createAnalysisService } from './analyses/service';
import { impersonationContext, impersonationHandlers } from './auth/impersonation';
import { oidcRouter } from './auth/oidc';
import { createPassport } from './auth/passport';
import { authHandlers } from './auth/routes';
import { companyHandlers } from './companies/routes';
import type { Config } from './config';
import { healthHandlers } from './health/routes';
import { type RequestContext, runWithContext } from './http/context';
import { docsRouter } from './http/docs';
import { apiNotFound, errorHandler } from './http/errorHandler';
import { createLabTokenAuthenticator } from './http/labTokenAuth';
import { contractRouter, type Handlers } from './http/router';
import { originCheck, securityHeaders } from './http/security';
import { PgSessionStore } from './http/sessionStore';
import { frontendRouter } from './http/static';
import { createJobQueue, type JobQueue } from './jobs/queue';
import { laboratoryHandlers } from './laboratories/routes';
import { labTokenHandlers } from './labTokens/routes';
import { createLabTokenService } from './labTokens/service';
import { createMailOutbox, type MailOutbox } from './mail/outbox';
import { notificationHandlers } from './notifications/routes';
import { createNotificationService } from './notifications/service';
import { programmingHandlers } from './programming/routes';
import { createProgrammingService } from './programming/service';
import { referentialHandlers } from './referential/routes';
import { createReferentialService } from './referential/service';
import { createSampleDocuments } from './samples/documents';
import { sampleListHandlers } from './samples/listRoutes';
import { sampleSendHooks } from './samples/mails';
import { createSampleRepository } from './samples/repository';
import { sampleHandlers } from './samples/routes';
import { createSampleService } from './samples/service';
import { createUserRepository } from './users/repository';
import { userHandlers } from './users/routes';
import { createUserService } from './users/service';

export const VERSION = '0.1.0';

export interface AppDependencies {
  db: Db;
  config: Config;
  logger: Logger;
  /** Folder of the built web app; defaults to frontend/dist. */
  frontendDir?: string;
  /** How mail leaves the application; defaults to the configuration's (SMTP or .eml capture). */
  mailer?: Mailer;
  /** Background jobs; main starts it. Without it, jobs are written but run by no worker here. */
  jobs?: JobQueue;
  /** The durable mail outbox; defaults to one on `jobs` and `mailer`. */
  mailOutbox?: MailOutbox;
  /** Public company look-up; defaults to the configuration's (COMPANY_SEARCH_URL). */
  companyDirectory?: CompanyDirectory;
  /** Where attachments are kept; defaults to the configuration's (S3 or local folder). */
  storage?: FileStorage;
}

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the Express application (no listen): used by main, the tests and the benches. */
export async function createApp({
  db,
  config,
  logger,
  mailer,
  frontendDir,
  jobs,
  mailOutbox,
  companyDirectory,
  storage,
}: AppDependencies): Promise<Express> {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  if (config.TRUST_PROXY !== undefined) app.set('trust proxy', config.TRUST_PROXY);

  app.use((req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const requestId =
      typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const context: RequestContext = { requestId, userId: null, impersonatedBy: null };
    (req as express.Request & { context: RequestContext }).context = context;
    runWithContext(context, () => next());
  });
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => String(res.getHeader('X-Request-Id')),
      customSuccessObject: (req, _res, value) => ({
        ...value,
        userId: (req as express.Request).user?.id ?? null,
      }),
      customErrorObject: (req, _res, _error, value) => ({
        ...value,
        userId: (req as express.Request).user?.id ?? null,
      }),
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/api/health' || !req.url?.startsWith('/api') },
    }),
  );
  app.use(securityHeaders(config.secureCookies));
  app.use('/api', express.json({ limit: '1mb', strict: true }));
  app.use(
    '/api',
    session({
      name: 'maestro.sid',
      secret: config.sessionSecret,
      store: new PgSessionStore(db),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      proxy:
        config.TRUST_PROXY !== undefined &&
        config.TRUST_PROXY !== false &&
        config.TRUST_PROXY !== 0,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.secureCookies,
        maxAge: config.SESSION_MAX_AGE_HOURS * 3600 * 1000,
      },
    }),
  );
  const users = createUserRepository(db);
  const passport = createPassport(users);
  app.use('/api', passport.initialize());
  app.use('/api', passport.session());
  app.use('/api', (req, _res, next) => {
    const context = (req as express.Request & { context: RequestContext }).context;
    context.userId = req.user?.id ?? null;
    next();
  });
  app.use('/api', impersonationContext(users));
  app.use('/api', originCheck(config.appUrl));

  const rootDir = path.resolve(import.meta.dirname, '../..');
  const mail = mailer ?? createMailer(config, path.resolve(rootDir, config.DATA_DIR), logger);
  const notifications = createNotificationService(db, mail, logger, config.appUrl);
  // Its worker runs on `jobs`. Services that send mail durably take `outbox` as a parameter and
  // call `outbox.enqueue` inside their transaction; code that only has the app finds it in locals.
  const outbox =
    mailOutbox ??
    createMailOutbox({ db, queue: jobs ?? createJobQueue({ db, logger }), mailer: mail, logger });
  app.locals.mailOutbox = outbox;
  const sampleDocuments = createSampleDocuments(db);
  const sampleRepository = createSampleRepository(db);
  sampleDocuments.registerMailAttachments(outbox, (id) => sampleRepository.find(id));
  const files = storage ?? createStorage(config, path.resolve(rootDir, config.DATA_DIR));
  const samples = createSampleService({
    db,
    storage: files,
    logger,
    hooks: sampleSendHooks(db, outbox, config.appUrl),
  });
  // One instance: the result imports write through it too.
  const analyses = createAnalysisService({ db, storage: files, logger, notifications, outbox });
  const handlers: Handlers = {
    ...healthHandlers(db, VERSION),
    ...authHandlers(db, config, passport, users),
    ...impersonationHandlers(db, users),
    ...userHandlers(createUserService(db)),
    ...laboratoryHandlers(db),
    ...notificationHandlers(notifications),
    ...programmingHandlers(createProgrammingService(db, notifications)),
    ...sampleHandlers(samples, sampleDocuments, outbox),
    ...sampleListHandlers(db),
    ...analysisHandlers(analyses),
    ...analysisExportHandlers(db),
    ...referentialHandlers(createReferentialService(db)),
    ...importHandlers(
      createImportService({
        db,
        storage: files,
        logger,
        applyResults: (user, entries, options) =>
          analyses.applyImportedResults(user, entries, options),
      }),
    ),
    ...labTokenHandlers(createLabTokenService(db)),
    ...companyHandlers(
      companyDirectory ??
        createCompanyDirectory({
          baseUrl: config.COMPANY_SEARCH_URL,
          timeoutMs: config.COMPANY_SEARCH_TIMEOUT_MS,
          logger,
        }),
    ),
  };
  app.use(docsRouter(VERSION));
  app.use(await oidcRouter({ db, config, passport, users, logger }));
  app.use(contractRouter(handlers, logger, { labTokens: createLabTokenAuthenticator(db) }));
  app.use('/api', apiNotFound);
  app.use(frontendRouter(frontendDir ?? path.resolve(rootDir, 'frontend/dist')));
  app.use(errorHandler);
  return app;
}
