import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** The code points a CSS unicode-range covers ("U+4e00-4e3f,U+9FF?"), as [first, last] pairs. */
function unicodeRanges(range: string): [number, number][] {
  return range.split(',').map((r) => {
    const [a, b = a] = r.trim().replace(/^U\+/i, '').split('-');
    return [parseInt(a!.replace(/\?/g, '0'), 16), parseInt(b!.replace(/\?/g, 'F'), 16)];
  });
}

/**
 * The Noto Sans SC subsets (of ~100, 3.6 MB) that hold a character of the Chinese UI: the dictionaries, the
 * message table and the language switch's 中文. Only those are precached (about a quarter); another subset (a rare character in a run's
 * name) is fetched from this site when a page needs it, and the service worker keeps it then.
 */
function chineseFontFiles(outDir: string, files: string[]): Set<string> {
  const i18n = path.resolve('src/i18n');
  const text = readdirSync(i18n).filter((f) => /^zh.*\.ts$|^messages\.ts$|^languages\.ts$/.test(f)).map((f) => readFileSync(path.join(i18n, f), 'utf8')).join('');
  const used = [...new Set(text)].map((c) => c.codePointAt(0)!).filter((c) => c > 0x7f);
  const keep = new Set<string>();
  for (const css of files.filter((f) => f.endsWith('.css'))) {
    for (const face of readFileSync(path.join(outDir, css), 'utf8').match(/@font-face\s*\{[^}]*\}/g) ?? []) {
      const url = /url\(["']?([^)"']*noto-sans-sc[^)"']*\.woff2)/.exec(face)?.[1];
      const range = /unicode-range:\s*([^;}]*)/.exec(face)?.[1];
      if (!url || !range) continue;
      const ranges = unicodeRanges(range);
      if (used.some((c) => ranges.some(([a, b]) => c >= a && c <= b))) keep.add(path.posix.join(path.posix.dirname(css), url));
    }
  }
  return keep;
}

/** Writes dist/precache.json: every file of the build, for the offline service worker (public/sw.js). */
function precacheList(): Plugin {
  let outDir = 'dist';
  return {
    name: 'precache-list',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const files: string[] = [];
      const walk = (dir: string) => {
        for (const f of readdirSync(dir)) {
          const p = path.join(dir, f);
          if (statSync(p).isDirectory()) walk(p);
          else files.push(path.relative(outDir, p).split(path.sep).join('/'));
        }
      };
      walk(outDir);
      // Browsers that run this lab all read woff2: the .woff/.ttf fallbacks KaTeX ships are not precached.
      // Both WASM builds are: the threaded one (and its module script) runs once the page is cross-origin isolated.
      // Of the Chinese font's subsets, the ones the Chinese UI's own text needs (chineseFontFiles).
      const chinese = chineseFontFiles(outDir, files);
      const list = files
        .filter((f) => f !== 'sw.js' && f !== 'precache.json' && !/\.(woff|ttf)$/.test(f))
        .filter((f) => !/noto-sans-sc/.test(f) || chinese.has(f))
        .sort();
      const version = createHash('sha256').update(list.join('\n')).digest('hex').slice(0, 12);
      writeFileSync(path.join(outDir, 'precache.json'), JSON.stringify({ version, files: list }));
    },
  };
}

/**
 * The dev server only: drops the Content-Security-Policy meta tag of the HTML pages, because
 * Vite's client and React refresh need an inline script and a websocket. Builds keep it.
 */
function devWithoutCsp(): Plugin {
  return {
    name: 'dev-without-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, ''),
  };
}

/**
 * Cross-origin isolation (SharedArrayBuffer, so WASM runs on threads): the dev and preview servers
 * send the headers themselves; a static host gets them from the app's service worker (public/sw.js).
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

export default defineConfig({
  // Relative base: the build works from any sub-path (a Pages site, a blog folder).
  base: './',
  plugins: [react(), precacheList(), devWithoutCsp()],
  worker: { format: 'es' },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
    // bench.html: the engine without the UI, for npm run bench (and anyone measuring their own machine).
    rollupOptions: { input: { index: path.resolve('index.html'), bench: path.resolve('bench.html') } },
  },
});
