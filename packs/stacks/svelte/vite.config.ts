import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

// The REST API runs on http://localhost:3000 during development; requests to /api are proxied
// there, so the API client can use relative URLs (VITE_API_URL empty). Set API_PROXY_TARGET to
// proxy somewhere else, or VITE_API_URL to call another origin directly.
const apiTarget = process.env.API_PROXY_TARGET ?? 'http://localhost:3000';

export default defineConfig({
  // svelteTesting: under Vitest, resolve Svelte's browser build (components mount in jsdom).
  plugins: [svelte(), svelteTesting()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
    },
  },
  preview: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
  },
});
