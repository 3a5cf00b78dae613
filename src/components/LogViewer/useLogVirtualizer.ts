import {
  Virtualizer,
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type VirtualizerOptions,
} from '@tanstack/react-virtual';
import { useLayoutEffect, useReducer, useRef, useState } from 'react';
import { flushSync } from 'react-dom';

type Options = Omit<
  VirtualizerOptions<HTMLDivElement, HTMLDivElement>,
  'observeElementRect' | 'observeElementOffset' | 'scrollToFn' | 'onChange'
>;

/**
 * `useVirtualizer` with a veto: `skip(instance)` may drop a change notification instead of
 * re-rendering. While the log follows its tail, every scroll is our own and the rows drawn do not
 * depend on the scroll offset, so those notifications would only cost a render per frame.
 */
export function useLogVirtualizer(
  options: Options,
  skip: (instance: Virtualizer<HTMLDivElement, HTMLDivElement>) => boolean,
): Virtualizer<HTMLDivElement, HTMLDivElement> {
  const rerender = useReducer((x: number) => x + 1, 0)[1];
  const skipRef = useRef(skip);
  // Measuring happens in ref callbacks, during React's commit: no flushSync there.
  const measuring = useRef(false);
  const resolved: VirtualizerOptions<HTMLDivElement, HTMLDivElement> = {
    observeElementRect,
    observeElementOffset,
    scrollToFn: elementScroll,
    ...options,
    onChange: (instance, sync) => {
      if (skipRef.current(instance)) return;
      if (sync && !measuring.current) flushSync(rerender);
      else rerender();
    },
  };
  // The options' callbacks read refs when the virtualizer calls them (scroll, resize, measure), never
  // during render; the compiler cannot tell, as with `useVirtualizer` itself.
  // eslint-disable-next-line react-hooks/refs
  const [instance] = useState(() => {
    const v = new Virtualizer(resolved);
    // Scroll position is the LogViewer's to keep (follow, anchor, reveal): the virtualizer must not adjust it too.
    v.shouldAdjustScrollPositionOnItemSizeChange = () => false;
    const measure = v.measureElement;
    v.measureElement = (node) => {
      measuring.current = true;
      try {
        measure(node);
      } finally {
        measuring.current = false;
      }
    };
    return v;
  });
  // eslint-disable-next-line react-hooks/refs -- see above
  instance.setOptions(resolved);
  useLayoutEffect(() => {
    skipRef.current = skip;
  });
  useLayoutEffect(() => instance._didMount(), [instance]);
  useLayoutEffect(() => instance._willUpdate());
  return instance;
}
