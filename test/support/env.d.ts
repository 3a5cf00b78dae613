/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** '1' when `npm run screenshots` runs the browser tests that write docs/screenshots. */
  readonly VITE_SCREENSHOTS?: string;
}
