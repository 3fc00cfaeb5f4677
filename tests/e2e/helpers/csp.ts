/**
 * Content-Security-Policy checks: every `securitypolicyviolation` the page
 * reports, and every console line about the policy, recorded from before the
 * first script runs.
 */
import type { Page } from 'playwright-core';

export interface CspWatch {
  /** Violations so far: `<directive> <blocked URI>`, from the page's events and its console. */
  violations(): Promise<string[]>;
}

export async function watchCsp(page: Page): Promise<CspWatch> {
  const fromConsole: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) fromConsole.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  return {
    violations: async () => [...(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [])), ...fromConsole],
  };
}
