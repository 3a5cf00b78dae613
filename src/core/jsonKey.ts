/** A key that is equal for equal JSON content ('' for undefined); values JSON cannot encode fall back to String. */
export const jsonKey = (value: unknown): string => {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
};
