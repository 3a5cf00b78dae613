// Without any stylesheet the LogViewer must still be usable: bounded height, virtualized rows that
// do not overlap, following, search. (No CSS import in this file: each test file has its own page.)
import { act, cleanup, render, screen } from '@testing-library/react';
import axe from 'axe-core';
import { page, userEvent } from 'vitest/browser';
import { afterEach, expect, it } from 'vitest';
import { createOpstreamStore } from '../../src/core/store';
import { OpstreamProvider } from '../../src/react/OpstreamProvider';
import { LogViewer } from '../../src/components/LogViewer';

afterEach(cleanup);

const frames = (n = 2) =>
  new Promise<void>((resolve) => {
    const step = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  });

it('works unstyled: bounded, virtualized, following, searchable', async () => {
  await page.viewport(900, 700);
  const store = createOpstreamStore({ schedule: () => () => {} });
  const { container } = render(
    <OpstreamProvider store={store}>
      <LogViewer stream="s" id="plain" />
    </OpstreamProvider>,
  );
  act(() => {
    const lines = [];
    for (let i = 0; i < 10_000; i++) lines.push({ kind: 'log' as const, stream: 's', at: 0, line: `\x1b[32mline\x1b[0m ${i} ${'x'.repeat(i % 300)}` });
    store.ingest(lines);
    store.flush();
  });
  await frames();
  const log = screen.getByRole('log');
  // No stylesheet, no height given: the log is still a bounded scroll area, not 10 000 rows tall.
  expect(log.clientHeight).toBeLessThanOrEqual(window.innerHeight);
  expect(log.scrollHeight).toBeGreaterThan(10_000 * 10);
  const rows = Array.from(log.querySelectorAll<HTMLElement>('.opstream-log-row:not(.opstream-log-probe)'));
  expect(rows.length).toBeLessThan(300);
  for (let i = 1; i < rows.length; i++) {
    expect(rows[i]!.getBoundingClientRect().top).toBeGreaterThanOrEqual(rows[i - 1]!.getBoundingClientRect().bottom - 0.5);
  }
  expect(log.scrollHeight - log.clientHeight - log.scrollTop).toBeLessThanOrEqual(1);
  expect(document.getElementById('plain-L10000')).not.toBeNull();
  await userEvent.fill(screen.getByRole('searchbox'), 'line 42 ');
  await userEvent.keyboard('{Enter}');
  expect(screen.getByText('1 of 1')).toBeTruthy();
  expect(document.getElementById('plain-L43')!.querySelector('mark')).not.toBeNull();
  const result = await axe.run(container);
  expect(result.violations).toEqual([]);
});
