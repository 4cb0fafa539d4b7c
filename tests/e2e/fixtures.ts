// The browser tests' `test`: every context records Content-Security-Policy violations, and any error a page of
// the test throws or logs (pageerror, console.error) fails that test, listed after the test's own outcome.
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';

/** Every page of the context records CSP violations in window.__cspViolations (a worker's show up as console errors). */
export async function recordCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
}

export const test = base.extend<{ pageErrors: string[] }>({
  context: async ({ context }, use) => {
    await recordCspViolations(context);
    await use(context);
  },
  pageErrors: [
    async ({ context }, use) => {
      const errors: string[] = [];
      const watch = (page: Page) => {
        page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(`${page.url()}: console: ${m.text()}`);
        });
      };
      context.pages().forEach(watch);
      context.on('page', watch);
      await use(errors);
      expect(errors, 'errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
