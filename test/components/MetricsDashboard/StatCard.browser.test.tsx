// StatCard layout in real Chromium: in a narrow card the threshold badge wraps below the label (or is cut
// with an ellipsis when even alone it does not fit) instead of spilling out of the card.
import { cleanup, render } from '@testing-library/react';
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { StatCard } from '../../../src/components/MetricsDashboard';
import '../../../src/styles.css';
import '../../../src/components/MetricsDashboard/MetricsDashboard.css';

afterEach(cleanup);

describe('StatCard in a narrow card', () => {
  const layout = (width: number) => {
    const view = render(
      <div style={{ width }}>
        <StatCard label="Network out" value={96.5} unit="percent" thresholds={{ warning: 80, critical: 90 }} />
      </div>,
    );
    const box = (selector: string) => view.container.querySelector(selector)!.getBoundingClientRect();
    return { ...view, card: box('.opstream-stat'), label: box('.opstream-stat__label'), badge: box('.opstream-stat__state') };
  };
  const inside = (inner: DOMRect, outer: DOMRect) =>
    inner.left >= outer.left && inner.right <= outer.right && inner.top >= outer.top && inner.bottom <= outer.bottom;
  const overlap = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

  it('wraps the threshold badge below the label rather than spilling out of the card', async () => {
    const { container, card, label, badge } = layout(120);
    expect(inside(badge, card)).toBe(true);
    expect(inside(label, card)).toBe(true);
    expect(overlap(label, badge)).toBe(false);
    expect(badge.top).toBeGreaterThanOrEqual(label.bottom);
    const result = await axe.run(container);
    expect(result.violations).toEqual([]);
  });

  it('keeps label and badge on one line while they fit, and cuts a badge wider than the card', () => {
    const wide = layout(300);
    expect(wide.badge.top).toBeLessThan(wide.label.bottom);
    expect(wide.badge.right).toBeLessThanOrEqual(wide.card.right);
    cleanup();
    const tiny = layout(80);
    expect(inside(tiny.badge, tiny.card)).toBe(true);
    expect(overlap(tiny.label, tiny.badge)).toBe(false);
  });
});
