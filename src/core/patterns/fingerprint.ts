import { createHash } from 'node:crypto';

/**
 * Failure fingerprints: messages that differ only in variable parts (numbers, durations, ids,
 * hashes, UUIDs, paths, URLs, e-mail addresses, IPs, quoted values) fall into one template, in
 * the spirit of Sentry's grouping and Drain's log templates. The template plus the error type is
 * the fingerprint. Bump FINGERPRINT_VERSION whenever a rule changes: stored patterns record the
 * version they were grouped with.
 */
export const FINGERPRINT_VERSION = 1;

/**
 * Order matters: the most specific shapes go first, so a URL is not eaten piecemeal by the path
 * rule. Each rule has a cheap test of a character its every match contains: when the text lacks
 * it the rule cannot match, and its regex pass is skipped (the output is the same either way).
 */
const hasDigit = /\d/;
const RULES: Array<[RegExp, string, (text: string) => boolean]> = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, '<url>', (t) => t.includes('://')],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '<email>', (t) => t.includes('@')],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>', (t) => t.includes('-')],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<ip>', (t) => t.includes('.')],
  [/\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b/gi, '<ip>', (t) => t.includes(':')],
  [
    /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g,
    '<str>',
    (t) => t.includes('"') || t.includes("'") || t.includes('`'),
  ],
  [
    /(?:[A-Za-z]:)?(?:[\\/][\w.@~+-]+){2,}[\\/]?|~?\/[\w.@+-]+\.\w+/g,
    '<path>',
    (t) => t.includes('/') || t.includes('\\'),
  ],
  [/\b0x[0-9a-f]+\b/gi, '<hex>', (t) => t.includes('0x') || t.includes('0X')],
  // The rest all need a digit; placeholders never add one.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, '<hex>', (t) => hasDigit.test(t)],
  [
    /\b\d+(?:\.\d+)?\s?(?:ms|msec|s|sec|secs|seconds?|m|mins?|minutes?|h|hours?)\b/gi,
    '<duration>',
    (t) => hasDigit.test(t),
  ],
  // Identifiers that carry digits (req_8f3a2, doc-42, user42): the digits make them unique.
  [/\b[A-Za-z]+[-_]?(?=[\w-]*\d)[\w-]*\d[\w-]*\b/g, '<id>', (t) => hasDigit.test(t)],
  [/[-+]?\b\d+(?:[.,]\d+)*\b/g, '<num>', (t) => hasDigit.test(t)],
];
/** Whitespace other than a lone space: only then does collapsing change anything. */
const UNTIDY_SPACE = /[^\S ]|\s\s/;

const cache = new Map<string, string>();
const CACHE_LIMIT = 50_000;

/** The template of a message: variable parts replaced by placeholders, spaces collapsed. */
export function messageTemplate(message: string): string {
  const known = cache.get(message);
  if (known !== undefined) return known;
  let template = message.length > 2000 ? message.slice(0, 2000) : message;
  for (const [pattern, placeholder, canMatch] of RULES) {
    if (canMatch(template)) template = template.replace(pattern, placeholder);
  }
  if (UNTIDY_SPACE.test(template)) template = template.replace(/\s+/g, ' ');
  template = template.trim();
  // Logs repeat themselves: most messages are seen again. Bounded so memory stays flat.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(message, template);
  return template;
}

/** The signature shown to users: `errorType: template`. */
export function failureSignature(errorType: string | undefined, message: string | undefined): string {
  const type = errorType ?? 'unknown';
  return message ? `${type}: ${messageTemplate(message)}` : type;
}

/** A short stable hash of a signature (and the fingerprint version). */
export function fingerprint(signature: string): string {
  return createHash('sha256').update(`v${FINGERPRINT_VERSION}\n${signature}`).digest('hex').slice(0, 16);
}
