const MASK = '***';

/** The URL without credentials, query or fragment (which may carry tokens). */
export const redactUrl = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search === '' ? '' : '?…'}`;
  } catch {
    const bare = url.split(/[?#]/)[0] ?? '';
    return bare.replace(/\/\/[^/@]*@/, '//');
  }
};

/** Replaces every occurrence of each secret (non-empty) with `mask`. */
export const redactSecrets = (text: string, secrets: readonly string[] | undefined, mask = MASK): string => {
  if (secrets === undefined) return text;
  let out = text;
  // includes() first: nearly every text is clean, and split/join would copy it anyway.
  for (const secret of secrets) {
    if (secret.length > 0 && out.includes(secret)) out = out.split(secret).join(mask);
  }
  return out;
};

const PREVIEW_CHARS = 120;

/** A short, single-line, redacted excerpt of a frame for error reports. */
export const previewText = (text: string, secrets: readonly string[] | undefined): string => {
  const longest = secrets?.reduce((n, s) => Math.max(n, s.length), 0) ?? 0;
  // Redact before cutting so a secret straddling the cut cannot leak half of itself.
  const head = redactSecrets(text.slice(0, PREVIEW_CHARS + longest), secrets);
  // eslint-disable-next-line no-control-regex
  const line = head.slice(0, PREVIEW_CHARS).replace(/[\u0000-\u001f]/g, ' ');
  return text.length > PREVIEW_CHARS ? `${line}…` : line;
};
