import { createHash } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

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
      const list = files.filter((f) => f !== 'sw.js' && f !== 'precache.json' && !/\.(woff|ttf)$/.test(f)).sort();
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
