/**
 * Imported first by the page (main.tsx): zod compiles fast object parsers
 * with `new Function`, after probing whether it may. Under the page's
 * Content-Security-Policy (no 'unsafe-eval') the probe is refused; zod
 * catches that, but the browser still reports a securitypolicyviolation.
 * Jitless mode skips the probe; the lab's schemas are small either way.
 * This must run before any schema parses, and store.ts parses one on import.
 */
import { z } from 'zod';

z.config({ jitless: true });
