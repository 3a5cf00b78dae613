/// <reference types="vite/client" />
import type { Preview } from '@storybook/react-vite';
import { setupWorker } from 'msw/browser';
import { mswLoader } from 'msw-storybook-addon/csf3';
import '../src/styles.css';

// Each component's CSS, as `opstream/styles.css` bundles it (scripts/build.mjs).
import.meta.glob('../src/components/**/*.css', { eager: true });

// msw-storybook-addon 3 has no `initialize()`: the loader takes the setup function instead.
// Stories bring their own `ws.link` handlers in `parameters.msw.handlers`; everything else passes.
const startWorker = async () => {
  const worker = setupWorker();
  await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
  return worker;
};

const preview: Preview = {
  loaders: [mswLoader(startWorker)],
  parameters: {
    layout: 'padded',
  },
};

export default preview;
