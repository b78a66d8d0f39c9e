import { defineConfig } from 'vite';

// The server serves dist/ at /ui/; JSX is compiled by esbuild (no React plugin needed for a build).
export default defineConfig({
  base: '/ui/',
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 400 },
});
