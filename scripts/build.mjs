// Library build: ESM bundles with Vite (rolldown) + declarations with tsc.
// Usage: node scripts/build.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Public entry points: output name -> source file. Keep in step with package.json "exports". */
export const entries = {
  index: join(root, 'src/index.ts'),
  core: join(root, 'src/core/index.ts'),
  testing: join(root, 'src/testing/index.ts'),
};

// Peers and runtime deps are never bundled (subpaths too: react/jsx-runtime, zustand/vanilla);
// nor are `ws` (the Node dev server) and `msw` (simulator handlers), which only opstream/testing uses.
const externalNames = [
  ...Object.keys(pkg.peerDependencies ?? {}),
  ...Object.keys(pkg.dependencies ?? {}),
  'ws',
  'msw',
];
export const isExternal = (id) =>
  externalNames.some((name) => id === name || id.startsWith(`${name}/`)) || id.startsWith('node:');

/** Vite config shared with scripts/size.mjs. configFile: false keeps vitest/storybook plugins out. */
export const libConfig = ({ entry, outDir, minify = false }) => ({
  configFile: false,
  root,
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir,
    emptyOutDir: true,
    minify,
    sourcemap: false,
    copyPublicDir: false,
    reportCompressedSize: false,
    lib: { entry, formats: ['es'], fileName: (_format, name) => `${name}.js` },
    rolldownOptions: {
      external: isExternal,
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

/** `opstream/styles.css`: the theme (src/styles.css) then each component's CSS, in path order. */
export function stylesheet() {
  const components = join(root, 'src/components');
  const parts = [join(root, 'src/styles.css')];
  if (existsSync(components)) parts.push(...walk(components).filter((f) => f.endsWith('.css')).sort());
  return parts.map((file) => `/* ${relative(join(root, 'src'), file)} */\n${readFileSync(file, 'utf8').trim()}\n`).join('\n');
}

// tsc keeps the sources' extensionless relative specifiers, which Node16/NodeNext consumers
// cannot resolve: rewrite them to the emitted `.js` / `/index.js` paths.
const SPECIFIER = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*)\2/g;
export function fixDeclarationSpecifiers(typesDir) {
  let rewritten = 0;
  for (const file of walk(typesDir).filter((f) => f.endsWith('.d.ts'))) {
    const source = readFileSync(file, 'utf8');
    const out = source.replace(SPECIFIER, (match, lead, quote, spec) => {
      if (/\.(js|mjs|cjs|json|css)$/.test(spec)) return match;
      const base = resolve(dirname(file), spec);
      let target;
      if (existsSync(`${base}.d.ts`)) target = `${spec}.js`;
      else if (existsSync(join(base, 'index.d.ts'))) target = `${spec.replace(/\/$/, '')}/index.js`;
      else throw new Error(`${relative(root, file)}: cannot resolve ${spec}`);
      rewritten++;
      return `${lead}${quote}${target}${quote}`;
    });
    if (out !== source) writeFileSync(file, out);
  }
  return rewritten;
}

async function main() {
  const t0 = performance.now();
  const dist = join(root, 'dist');
  rmSync(dist, { recursive: true, force: true });

  const { build } = await import('vite');
  await build(libConfig({ entry: entries, outDir: dist }));
  writeFileSync(join(dist, 'styles.css'), stylesheet());

  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  const rewritten = fixDeclarationSpecifiers(join(dist, 'types'));

  const files = walk(dist).map((f) => relative(root, f));
  const js = files.filter((f) => f.endsWith('.js')).length;
  const dts = files.filter((f) => f.endsWith('.d.ts')).length;
  console.log(
    `build: ${js} js, ${dts} d.ts (${rewritten} specifiers fixed), styles.css in ${Math.round(performance.now() - t0)} ms`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    // tsc has already printed its diagnostics; skip the child-process stack.
    console.error(error?.status !== undefined ? `build: ${error.message.split('\n')[0]}` : error);
    process.exit(1);
  });
}
