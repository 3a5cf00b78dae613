// styles.css in real Chromium: theme variables resolve, and data-state drives the status colour.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import '../src/styles.css';

afterEach(cleanup);

const statusDot = (element: Element) => getComputedStyle(element, '::before').backgroundColor;

describe('styles.css', () => {
  it('colours the status by data-state, light and dark', () => {
    const { getAllByRole } = render(
      <>
        <div data-theme="light">
          <span role="status" className="opstream-status" data-state="open">open</span>
          <span role="status" className="opstream-status" data-state="failed">failed</span>
        </div>
        <div data-theme="dark">
          <span role="status" className="opstream-status" data-state="open">open</span>
        </div>
      </>,
    );
    const [lightOpen, lightFailed, darkOpen] = getAllByRole('status');
    expect(statusDot(lightOpen!)).toBe('rgb(26, 127, 55)');
    expect(statusDot(lightFailed!)).toBe('rgb(207, 34, 46)');
    expect(statusDot(darkOpen!)).toBe('rgb(63, 185, 80)');
  });

  it('defines the theme variables on the root and overrides them for [data-theme=dark]', () => {
    const { container } = render(<div data-theme="dark" className="opstream-panel" />);
    const root = getComputedStyle(document.documentElement);
    const panel = getComputedStyle(container.firstElementChild!);
    expect(root.getPropertyValue('--opstream-bg').trim()).toBe('#ffffff');
    expect(panel.getPropertyValue('--opstream-bg').trim()).toBe('#0d1117');
    expect(panel.backgroundColor).toBe('rgb(13, 17, 23)');
  });
});
