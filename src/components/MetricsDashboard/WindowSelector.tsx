import { forwardRef, memo, useId, useMemo, useState, type FieldsetHTMLAttributes } from 'react';
import { mergeLabels, windowText, type MetricsLabels } from './labels';

/** 1 min, 5 min, 15 min, 1 h: a 1 Hz source fills 3 600 points in the hour (the rings' default). */
export const DEFAULT_WINDOWS: readonly number[] = [60_000, 300_000, 900_000, 3_600_000];

export interface WindowSelectorProps
  extends Omit<FieldsetHTMLAttributes<HTMLFieldSetElement>, 'onChange' | 'defaultValue' | 'value' | 'children'> {
  /** The selected window in ms (controlled). */
  value?: number;
  /** The initial window when uncontrolled (default: the second option, 5 min). */
  defaultValue?: number;
  onValueChange?: (ms: number) => void;
  /** Windows offered, in ms. */
  options?: readonly number[];
  locale?: string | undefined;
  labels?: Partial<MetricsLabels>;
}

const WINDOW_SELECTOR_NAME = 'WindowSelector';

/**
 * A radio group of time windows. Native radios: arrow keys move and select, Tab leaves the group,
 * and it works without any script-driven focus handling or CSS. Memoized: a metrics tick that
 * re-renders the dashboard leaves it alone.
 */
export const WindowSelector = memo(
  forwardRef<HTMLFieldSetElement, WindowSelectorProps>(function WindowSelector(
    { value, defaultValue, onValueChange, options = DEFAULT_WINDOWS, locale, labels: labelsProp, className, ...rest },
    ref,
  ) {
    const labels = useMemo(() => mergeLabels(labelsProp), [labelsProp]);
    const name = useId();
    const [own, setOwn] = useState(() => defaultValue ?? options[1] ?? options[0] ?? 300_000);
    const selected = value ?? own;
    const select = (ms: number) => {
      if (value === undefined) setOwn(ms);
      onValueChange?.(ms);
    };
    return (
      <fieldset
        ref={ref}
        role="radiogroup"
        className={className === undefined ? 'opstream-window' : `opstream-window ${className}`}
        {...rest}
      >
        <legend className="opstream-window__legend">{labels.window}</legend>
        {options.map((ms) => {
          const checked = ms === selected;
          return (
            <label key={ms} className="opstream-window__option" data-state={checked ? 'checked' : 'unchecked'}>
              <input
                className="opstream-window__input"
                type="radio"
                name={name}
                value={ms}
                checked={checked}
                onChange={() => select(ms)}
              />
              <span>{windowText(labels, ms, locale)}</span>
            </label>
          );
        })}
      </fieldset>
    );
  }),
);
WindowSelector.displayName = WINDOW_SELECTOR_NAME;
