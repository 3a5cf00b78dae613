import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const dirname = path.dirname(fileURLToPath(import.meta.url));

// Debian's Chromium (no Playwright browser download on this machine or CI).
const chromium = playwright({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  },
});

// A fresh object per project: vitest names (mutates) the instances.
const browser = () => ({
  enabled: true,
  headless: true,
  provider: chromium,
  instances: [{ browser: 'chromium' as const }],
});

export default defineConfig({
  plugins: [react()],
  // Pre-bundled up front: on a cold cache (a fresh CI clone) Vite would otherwise discover these mid-run,
  // reload, and fail the first tests with two copies of React.
  optimizeDeps: {
    include: [
      'react',
      'react-dom',
      'react-dom/client',
      'react/jsx-runtime',
      'react/jsx-dev-runtime',
      'zustand',
      'zustand/vanilla',
      '@tanstack/react-query',
      '@tanstack/react-virtual',
      '@testing-library/react',
      '@testing-library/user-event',
      'axe-core',
      'uplot',
      'msw',
      'msw/browser',
    ],
  },
  test: {
    // .ci/run asks for a JSON report to print a plain "N passed, N failed" line.
    ...(process.env.VITEST_JSON ? { reporters: ['default', 'json'], outputFile: { json: process.env.VITEST_JSON } } : {}),
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          // Type tests of the public generics (expectTypeOf), checked by tsc.
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.typetests.json' },
        },
      },
      {
        extends: true,
        test: {
          // React hooks and lifecycle against a real `ws` server, in a simulated DOM.
          name: 'dom',
          environment: 'happy-dom',
          include: ['test/**/*.dom.test.tsx'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.tsx'],
          browser: browser(),
        },
      },
      {
        extends: true,
        plugins: [storybookTest({ configDir: path.join(dirname, '.storybook') })],
        test: {
          name: 'storybook',
          browser: browser(),
        },
      },
    ],
  },
});
