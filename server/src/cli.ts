import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createDb, migrateLatest, seedReferentials, withStartupLock } from '@maestro/database';
import { UserToCreate } from '@maestro/shared/schema';
import { ConfigError, loadConfig } from './config';
import { ValidationError } from './http/errors';
import { createUserService } from './users/service';

const usage = `Usage :
  pnpm --filter @maestro/server cli migrate
      applique les migrations et charge les référentiels
  pnpm --filter @maestro/server cli create-admin --email <e-mail> --first-name <prénom> --last-name <nom>
      crée un administrateur national ; mot de passe lu dans MAESTRO_ADMIN_PASSWORD,
      sinon tiré au hasard et affiché une fois (sans mot de passe avec --no-password, pour ProConnect)`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      'no-password': { type: 'boolean', default: false },
    },
  });
  const command = positionals[0];
  if (command !== 'migrate' && command !== 'create-admin') {
    console.log(usage);
    return command ? 64 : 0;
  }
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    throw new ConfigError('DATABASE_URL est obligatoire pour cette commande.');
  }
  const db = createDb(config.DATABASE_URL, { poolMax: 2 });
  try {
    await withStartupLock(db, async () => {
      await migrateLatest(db);
      await seedReferentials(db);
    });
    if (command === 'migrate') {
      console.log('Migrations appliquées, référentiels chargés.');
      return 0;
    }
    const generated = values['no-password']
      ? undefined
      : (process.env.MAESTRO_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url'));
    const input = UserToCreate.safeParse({
      email: values.email,
      firstName: values['first-name'],
      lastName: values['last-name'],
      role: 'Administrator',
      regionCode: null,
      departmentCode: null,
      laboratoryId: null,
      password: generated,
    });
    if (!input.success) {
      for (const issue of input.error.issues)
        console.error(`- ${issue.path.join('.')} : ${issue.message}`);
      return 65;
    }
    const user = await createUserService(db).create(input.data);
    console.log(`Administrateur créé : ${user.email} (${user.id})`);
    if (generated && !process.env.MAESTRO_ADMIN_PASSWORD)
      console.log(`Mot de passe (affiché une seule fois) : ${generated}`);
    return 0;
  } finally {
    await db.destroy();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error) => {
    if (error instanceof ConfigError || error instanceof ValidationError) {
      console.error(error.message);
    } else if (error instanceof Error && 'status' in error) {
      console.error(error.message);
    } else {
      console.error('Échec :', error);
    }
    process.exit(1);
  });
