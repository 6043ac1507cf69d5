import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { RoleList } from '@maestro/shared/schema';
import { expect, test as setup } from '@playwright/test';
import { authFile, DEMO_PASSWORD, DemoEmails } from '../accounts';

/** One stored login per role, for the journeys that start signed in. */
for (const role of RoleList) {
  setup(`stores the login of ${role}`, async ({ request }) => {
    mkdirSync(path.dirname(authFile(role)), { recursive: true });
    const response = await request.post('/api/auth/login', {
      data: { email: DemoEmails[role], password: DEMO_PASSWORD },
    });
    expect(response.status(), await response.text()).toBe(200);
    await request.storageState({ path: authFile(role) });
  });
}
