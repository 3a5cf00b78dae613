/**
 * `npm run bench`: runs every benchmark and rewrites BENCHMARKS.md with the machine, the versions,
 * the date and each result as a ratio against its baseline measured in the same run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { runNodeBenchmarks, type BenchRow } from './node';

const version = (name: string): string => {
  try {
    return (JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as {
      version: string;
    }).version;
  } catch {
    return 'not installed';
  }
};

const fmt = (n: number): string =>
  n >= 100 ? Math.round(n).toLocaleString('en') : n.toLocaleString('en', { maximumFractionDigits: 2 });

function table(rows: BenchRow[]): string {
  const out = ['| benchmark | opstream | baseline | ratio | budget |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const verdict = r.budget === undefined ? '' : `${r.budget} ${r.pass ? '✅' : '❌'}`;
    out.push(
      `| ${r.name} | ${fmt(r.ours)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} (${r.baselineName}) | ${fmt(r.ratio)} | ${verdict} |`,
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const started = new Date();
  console.log('opstream benchmarks: node…');
  const nodeRows = runNodeBenchmarks();
  console.log(table(nodeRows));

  // The browser benchmarks (LogViewer, MetricsDashboard) append their own section when present.
  let browserSection = '';
  try {
    const browserModule = './browser';
    const browser = (await import(browserModule)) as { runBrowserBenchmarks: () => Promise<string> };
    console.log('opstream benchmarks: chromium…');
    browserSection = await browser.runBrowserBenchmarks();
    console.log(browserSection);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const doc = `# Benchmarks

Written by \`npm run bench\` on ${started.toISOString().slice(0, 10)}. Every ratio compares opstream with its
baseline **measured in the same run on the same machine**: rates are opstream ÷ baseline (higher is better),
bytes are opstream ÷ baseline (lower is better). Numbers from shared machines are noisy; the ratios are what to compare.

- Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform} ${process.arch}
- Node ${process.version}; typescript ${version('typescript')}, zustand ${version('zustand')}, react ${version('react')}

## Node: connection, adapters, store

${table(nodeRows)}

How each is measured (\`bench/node.ts\`): medians of 5 runs after a warm-up, \`gc()\` between runs.
- *connection*: 200 000 generic JSON frames pushed through a real \`createConnection\` on an in-memory socket
  (size guard, JSON.parse, control, decode, listener), against \`JSON.parse\` of the same frames.
- *decode*: each adapter over 100 000 frames cycled from its document's examples, frames that carry output or log
  lines weighted 8× (30× for Mist container logs), as a stream is mostly output. Backend.im's examples have no
  output frame, so one in the shape its update-type table documents (\`output\`: \`stdout\`) is added.
- *store ingest*: log events applied in batches of 100 (one batch per frame) with one store update per batch,
  against the documents' \`setLogs(prev => [...prev, line])\` array copy per line. The copy is O(n²): at 20 000
  lines it is already far behind, and it grows worse with every line.
- *heap per line*: \`heapUsed\` delta after gc with 1 000 000 retained lines (line strings allocated beforehand, so
  only the structure is counted) against a plain \`string[]\` holding the same lines.
${browserSection}`;
  writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), doc);
  console.log('wrote BENCHMARKS.md');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
