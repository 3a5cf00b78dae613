// An axe check for the console stories' play functions: the composed screens must stay as
// accessible as their parts.
import axe from 'axe-core';
import { expect } from 'storybook/test';

/**
 * Runs axe on the rendered console and fails on any violation (rule ids and targets in the message).
 * Log text the server coloured is checked too (the LogViewer's contrast floor keeps it readable);
 * only text on a background the server chose is left out: that pair is the app's output.
 */
export async function expectNoAxeViolations(element: HTMLElement): Promise<void> {
  const result = await axe.run({ include: [element], exclude: [['.opstream-log-text [class*="opstream-ansi-bg"]'], ['.opstream-log-text [style*="background"]']] });
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  await expect(found).toEqual([]);
}
