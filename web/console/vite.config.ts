/// <reference types="vitest/config" />
// The console is served by `dihya serve` under a strict CSP (script-src 'self'; style-src 'self'; no inline code):
// everything is bundled into files under dist/assets, nothing is inlined into index.html or as data: URLs.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
    plugins: [react()],
    base: '/',
    build: {
        outDir: 'dist',
        emptyOutDir: true,
        assetsInlineLimit: 0,
        modulePreload: { polyfill: false },
        sourcemap: false,
        target: 'es2022',
        chunkSizeWarningLimit: 1024,
    },
    server: {
        // `npm run dev` forwards the server's paths to a running `dihya serve` (DIHYA_URL, default :8080).
        proxy: Object.fromEntries(
            ['/api', '/healthz', '/readyz', '/metrics', '/account', '/docs'].map((p) => [
                p,
                { target: process.env.DIHYA_URL ?? 'http://127.0.0.1:8080', changeOrigin: false },
            ]),
        ),
    },
    test: {
        include: ['tests/**/*.test.ts'],
        environment: 'node',
    },
});
