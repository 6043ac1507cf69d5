import type { Role } from '@maestro/shared/schema';
import {
  type Browser,
  type BrowserContext,
  test as base,
  expect,
  type Page,
} from '@playwright/test';
import { authFile, DEMO_PASSWORD } from './accounts';

/** Reports CSP violations on the console, where the fixture below looks for them. */
async function reportCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber}:${event.columnNumber})`,
      );
    });
  });
}

interface Fixtures {
  /** Every CSP violation and uncaught error of the pages of the test. */
  browserProblems: string[];
  /** Watches a page of another context (e.g. a second user's browser). */
  watch: (page: Page) => Page;
  /** A fresh browser (no stored login), watched like the main page. */
  newBrowserPage: () => Promise<Page>;
  /** Another browser signed in as a role (its stored login), watched like the main page. */
  pageAs: (role: Role) => Promise<Page>;
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  browserProblems: async ({}, use) => {
    const problems: string[] = [];
    await use(problems);
    expect(problems, 'Violations de la CSP ou erreurs JavaScript dans le navigateur').toEqual([]);
  },
  watch: async ({ browserProblems }, use) => {
    await use((page) => {
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) browserProblems.push(message.text());
      });
      page.on('pageerror', (error) => browserProblems.push(`Erreur JavaScript : ${error.message}`));
      return page;
    });
  },
  context: async ({ context }, use) => {
    await reportCspViolations(context);
    await use(context);
  },
  page: async ({ page, watch }, use) => {
    await use(watch(page));
  },
  newBrowserPage: async ({ browser, watch, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await newContext(browser, baseURL);
      contexts.push(context);
      return watch(await context.newPage());
    });
    for (const context of contexts) await context.close();
  },
  pageAs: async ({ browser, watch, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (role) => {
      const context = await newContext(browser, baseURL, authFile(role));
      contexts.push(context);
      return watch(await context.newPage());
    });
    for (const context of contexts) await context.close();
  },
});

async function newContext(
  browser: Browser,
  baseURL: string | undefined,
  storageState: string | { cookies: []; origins: [] } = { cookies: [], origins: [] },
): Promise<BrowserContext> {
  // Playwright applies the test's options to new contexts too: start without any login
  // unless a stored one is given.
  const context = await browser.newContext({
    storageState,
    baseURL,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1280, height: 900 },
  });
  await reportCspViolations(context);
  return context;
}

export { expect };

/** Logs in through the login form and waits for the home page. */
export async function logInWithForm(
  page: Page,
  email: string,
  password = DEMO_PASSWORD,
): Promise<void> {
  await page.goto('/connexion');
  await page.getByRole('textbox', { name: /^Adresse e-mail/ }).fill(email);
  await page.locator('#login-password').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Bonjour / })).toBeVisible();
}

/** The main navigation of the header. */
export const mainNavigation = (page: Page) =>
  page.getByRole('navigation', { name: 'Menu principal' });
