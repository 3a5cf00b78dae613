// Size budget: min+gzip of each public entry with everything it imports, runtime dependencies
// included (peers and uPlot external), bundled on its own like an app that imports only that entry.
// Usage: node scripts/size.mjs   (exit 1 when over an enforced limit)
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { entries, libConfig, root, stylesheet } from './build.mjs';

// Budgets from DESIGN.md, in bytes (1 kB = 1000 B, as size-limit counts).
const KB = 1000;

// `opstream/core` minus the protocol adapters: what every app pays (connection, registry, store,
// errors, field readers). Built from the real entry so new core exports are counted automatically.
const coreIndex = join(root, 'src/core/index.ts');
const NOT_ADAPTERS = new Set(['types', 'fields']);
const coreLines = readFileSync(coreIndex, 'utf8').split('\n');
const adapterOf = (line) => /^export\s.*from\s+'\.\.\/protocols\/([^']+)'/.exec(line)?.[1];
const adapters = coreLines.map(adapterOf).filter((name) => name !== undefined && !NOT_ADAPTERS.has(name));
const absolute = (code) => code.replace(/from\s+'(\.{1,2}\/[^']+)'/g, (_m, spec) => `from '${join(root, 'src/core', spec)}'`);
const coreRuntime = absolute(coreLines.filter((line) => !adapters.includes(adapterOf(line))).join('\n'));
const withAdapter = (name) => `${coreRuntime}\nexport * from '${join(root, 'src/protocols', name)}';`;

// `target`: DESIGN.md's budget, reported. `limit`: what CI enforces today, so the size cannot creep up
// unnoticed while the kit is still above its targets (see BENCHMARKS.md and the README for the gap).
const checks = [
  { name: 'opstream/core (no adapters)', code: coreRuntime, target: 8 * KB, limit: 11.5 * KB },
  ...adapters.map((name) => ({ name: `  + ${name}()`, code: withAdapter(name) })),
  { name: 'opstream/core (all adapters)', entry: 'core' },
  { name: 'opstream/testing', entry: 'testing' },
  // "Everything but uPlot": the React entry (which re-exports core) plus the stylesheet.
  { name: 'opstream/styles.css', css: true },
  { name: 'opstream + styles.css', entry: 'index', css: true, target: 40 * KB, limit: 75 * KB },
];

// Peers stay out (the app has them anyway); runtime dependencies count, except uPlot.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outside = [...Object.keys(pkg.peerDependencies ?? {}), 'uplot'];
const isOutside = (id) => id.startsWith('node:') || outside.some((name) => id === name || id.startsWith(`${name}/`));

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const fmt = (bytes) => `${(bytes / KB).toFixed(2)} kB`;

const tmp = mkdtempSync(join(tmpdir(), 'opstream-size-'));

// The published stylesheet, minified the way Vite minifies CSS (lightningcss).
async function minifiedCss() {
  const dir = join(tmp, 'css');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'styles.css'), stylesheet());
  writeFileSync(join(dir, 'entry.js'), "import './styles.css';");
  await build({
    configFile: false,
    root: dir,
    logLevel: 'warn',
    build: {
      outDir: join(dir, 'out'),
      minify: true,
      cssMinify: true,
      lib: { entry: join(dir, 'entry.js'), formats: ['es'], fileName: () => 'entry.js', cssFileName: 'styles' },
    },
  });
  return readFileSync(join(dir, 'out/styles.css'));
}
const rows = [];
let failed = false;
try {
  for (const check of checks) {
    let min = 0;
    let gzip = 0;
    if (check.entry !== undefined || check.code !== undefined) {
      const id = `check-${rows.length}`;
      const outDir = join(tmp, id);
      let entry = entries[check.entry];
      if (check.code !== undefined) {
        entry = join(tmp, `${id}.ts`);
        writeFileSync(entry, check.code);
      }
      const config = libConfig({ entry: { [id]: entry }, outDir, minify: true });
      config.build.rolldownOptions.external = isOutside;
      // Minify as the app's build would: Vite's library mode keeps whitespace and /*#__PURE__*/
      // comments in ES output (for the next bundler), which no app ships; and production mode.
      config.build.rolldownOptions.output = { ...config.build.rolldownOptions.output, minify: true, comments: false };
      config.define = { 'process.env.NODE_ENV': '"production"' };
      await build(config);
      for (const file of walk(outDir).filter((f) => f.endsWith('.js'))) {
        const buf = readFileSync(file);
        min += buf.length;
        gzip += gz(buf);
      }
    }
    if (check.css) {
      const css = await minifiedCss();
      min += css.length;
      gzip += gz(css);
    }
    const overLimit = check.limit !== undefined && gzip > check.limit;
    const overTarget = check.target !== undefined && gzip > check.target;
    failed ||= overLimit;
    rows.push([
      check.name,
      fmt(min),
      fmt(gzip),
      check.target === undefined ? '-' : fmt(check.target),
      check.limit === undefined ? '-' : fmt(check.limit),
      check.limit === undefined ? 'info' : overLimit ? 'OVER LIMIT' : overTarget ? 'over target' : 'ok',
    ]);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const header = ['entry', 'min', 'min+gz', 'target', 'limit', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(header));
for (const row of rows) console.log(line(row));
if (failed) {
  console.error('size: over the enforced limit');
  process.exit(1);
}
