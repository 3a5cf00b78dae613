// src/core and src/protocols must run without React (Node, browser, worker): walk their whole
// relative import graph and fail on any React import or any file from the React layers.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const START_DIRS = ['src/core', 'src/protocols'];
const FORBIDDEN_DIRS = ['src/react', 'src/components'];
// `zustand` itself re-exports `zustand/react`; the store must use `zustand/vanilla`.
const FORBIDDEN_PACKAGES = [/^react(\/|$)/, /^react-dom(\/|$)/, /^zustand(\/react)?$/, /^@tanstack\/react-query(\/|$)/];

const SOURCE = /\.(ts|tsx|mts|js|mjs|jsx)$/;

/** Every module specifier in `code`: static imports/exports (type-only too), side-effect imports, import(). */
export function importsOf(code: string): string[] {
  const stripped = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const specs: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\s+from\s*(['"])([^'"]+)\1/g,
    /\bimport\s*(['"])([^'"]+)\1/g,
    /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of stripped.matchAll(pattern)) specs.push(match[2]!);
  }
  return specs;
}

interface Host {
  read(file: string): string;
  isFile(file: string): boolean;
}
const disk: Host = {
  read: (file) => readFileSync(file, 'utf8'),
  isFile: (file) => existsSync(file) && statSync(file).isFile(),
};

function resolveRelative(fromFile: string, spec: string, host: Host): string | undefined {
  const base = resolve(dirname(fromFile), spec);
  const stem = base.replace(/\.(js|mjs|jsx)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((c) => host.isFile(c));
}

const isForbiddenPackage = (spec: string) => FORBIDDEN_PACKAGES.some((re) => re.test(spec));
const isForbiddenFile = (file: string) =>
  FORBIDDEN_DIRS.some((dir) => !relative(join(root, dir), file).startsWith('..'));

/** Walks the graph from `starts`; returns one line per violation (with the path that led there). */
export function findReactImports(starts: string[], host: Host = disk) {
  const problems: string[] = [];
  const seen = new Set<string>();
  const queue = starts.map((file) => ({ file, chain: [file] }));
  while (queue.length > 0) {
    const { file, chain } = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const via = chain.map((f) => relative(root, f)).join(' -> ');
    for (const spec of importsOf(host.read(file))) {
      if (spec.startsWith('.')) {
        const target = resolveRelative(file, spec, host);
        if (target === undefined) {
          problems.push(`${via}: cannot resolve ${spec}`);
        } else if (isForbiddenFile(target)) {
          problems.push(`${via}: imports ${relative(root, target)}`);
        } else {
          queue.push({ file: target, chain: [...chain, target] });
        }
      } else if (isForbiddenPackage(spec)) {
        problems.push(`${via}: imports ${spec}`);
      }
    }
  }
  return { problems, visited: seen };
}

const walk = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : SOURCE.test(name) ? [path] : [];
      })
    : [];

describe('core and protocols import no React', () => {
  it('finds every kind of import specifier', () => {
    const code = [
      "import React from 'react';",
      "import { useStore } from 'zustand/react'",
      "import type { QueryClient } from '@tanstack/react-query';",
      "export * from '../react/useSocket';",
      "export { x } from './x.js';",
      "import 'react-dom/client';",
      "const lazy = () => import('react-dom');",
      '// import ignored from "react";',
      "import {\n  a,\n  b,\n} from './multi';",
    ].join('\n');
    expect(importsOf(code)).toEqual([
      'react',
      'zustand/react',
      '@tanstack/react-query',
      '../react/useSocket',
      './x.js',
      './multi',
      'react-dom/client',
      'react-dom',
    ]);
  });

  // An in-memory tree on top of the real one, so the detector is shown to fail.
  const overlay = (files: Record<string, string>): Host => ({
    read: (file) => files[file] ?? disk.read(file),
    isFile: (file) => file in files || disk.isFile(file),
  });
  const a = join(root, 'src/core/__synthetic_a__.ts');
  const b = join(root, 'src/protocols/__synthetic_b__.ts');

  it('flags a synthetic React import reached through relative imports', () => {
    const host = overlay({
      [a]: "import { b } from '../protocols/__synthetic_b__.js';\nexport const a = b;",
      [b]: "import { useSyncExternalStore } from 'react';\nexport const b = useSyncExternalStore;",
    });
    expect(findReactImports([a], host).problems).toEqual([
      'src/core/__synthetic_a__.ts -> src/protocols/__synthetic_b__.ts: imports react',
    ]);
  });

  it('flags zustand (which re-exports zustand/react) but not zustand/vanilla', () => {
    expect(findReactImports([a], overlay({ [a]: "import { create } from 'zustand';" })).problems).toEqual([
      'src/core/__synthetic_a__.ts: imports zustand',
    ]);
    expect(findReactImports([a], overlay({ [a]: "import { createStore } from 'zustand/vanilla';" })).problems).toEqual([]);
  });

  it('flags a relative import of a file under src/react or src/components', () => {
    const hook = join(root, 'src/react/__synthetic_hook__.ts');
    const view = join(root, 'src/components/__synthetic_view__/index.tsx');
    const host = overlay({
      [a]: "export * from '../react/__synthetic_hook__';\nexport * from '../components/__synthetic_view__';",
      [hook]: 'export const useX = 1;',
      [view]: 'export const X = 1;',
    });
    expect(findReactImports([a], host).problems).toEqual([
      'src/core/__synthetic_a__.ts: imports src/react/__synthetic_hook__.ts',
      'src/core/__synthetic_a__.ts: imports src/components/__synthetic_view__/index.tsx',
    ]);
  });

  it('reports an import it cannot resolve instead of skipping it', () => {
    expect(findReactImports([a], overlay({ [a]: "import { y } from './nowhere';" })).problems).toEqual([
      'src/core/__synthetic_a__.ts: cannot resolve ./nowhere',
    ]);
  });

  it('src/core and src/protocols reach no React import', () => {
    const starts = START_DIRS.flatMap((dir) => walk(join(root, dir)));
    expect(starts.length).toBeGreaterThan(0);
    const { problems, visited } = findReactImports(starts);
    expect(problems).toEqual([]);
    expect(visited.size).toBeGreaterThanOrEqual(starts.length);
  });
});
