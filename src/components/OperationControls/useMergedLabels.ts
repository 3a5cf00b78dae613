import { useState } from 'react';

/** Defaults merged with overrides; the same object while the overrides stay shallow-equal. */
export function useMergedLabels<L extends object>(defaults: L, overrides: Partial<L> | undefined): L {
  const [cache, setCache] = useState(() => ({ overrides, merged: merge(defaults, overrides) }));
  if (shallowEqual(cache.overrides, overrides)) return cache.merged;
  const next = { overrides, merged: merge(defaults, overrides) };
  setCache(next);
  return next.merged;
}

const merge = <L extends object>(defaults: L, overrides: Partial<L> | undefined): L =>
  overrides === undefined ? defaults : { ...defaults, ...overrides };

function shallowEqual(a: object | undefined, b: object | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const keys = Object.keys(a) as (keyof typeof a)[];
  return keys.length === Object.keys(b).length && keys.every((k) => Object.is(a[k], b[k]));
}
