import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Cross-origin isolation lets tfjs-wasm use threads (SharedArrayBuffer). Every
 * asset is same-origin, so require-corp costs nothing; static hosts that
 * cannot send these headers simply get the single-threaded WASM build.
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative base: the build works from any sub-path (a Pages site, a blog folder).
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, sourcemap: false },
  server: { headers: isolation },
  preview: { headers: isolation },
});
