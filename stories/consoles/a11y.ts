// An axe check for the console stories' play functions: the composed screens must stay as
// accessible as their parts.
import axe from 'axe-core';
import { expect } from 'storybook/test';

/**
 * Runs axe on the rendered console and fails on any violation (rule ids and targets in the message).
 * Log text coloured by the server (ANSI 256-colour and truecolor spans) is left out: those colours
 * come from the app's output, not from the theme.
 */
export async function expectNoAxeViolations(element: HTMLElement): Promise<void> {
  const result = await axe.run({ include: [element], exclude: [['.opstream-log-text [style]']] });
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  await expect(found).toEqual([]);
}
