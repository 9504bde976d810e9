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
 * rule. Each rule has a cheap test of characters its every match contains (a uuid 4 dashes, an
 * IPv4 address 3 dots): when the text lacks them the rule cannot match, and its regex pass is
 * skipped (the output is the same either way).
 */
const hasDigit = /\d/;
/** Whether `text` holds `char` at least `count` times. */
function holdsAtLeast(text: string, char: string, count: number): boolean {
  let at = -1;
  for (let seen = 0; seen < count; seen++) {
    at = text.indexOf(char, at + 1);
    if (at === -1) return false;
  }
  return true;
}
const RULES: Array<[RegExp, string, (text: string) => boolean]> = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, '<url>', (t) => t.includes('://')],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '<email>', (t) => t.includes('@')],
  [
    /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
    '<uuid>',
    (t) => holdsAtLeast(t, '-', 4),
  ],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<ip>', (t) => holdsAtLeast(t, '.', 3)],
  [/\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b/gi, '<ip>', (t) => holdsAtLeast(t, ':', 3)],
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
];
/**
 * The rest all need a digit, and placeholders never add one: one test decides for all four.
 */
const DIGIT_RULES: Array<[RegExp, string]> = [
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, '<hex>'],
  [/\b\d+(?:\.\d+)?\s?(?:ms|msec|s|sec|secs|seconds?|m|mins?|minutes?|h|hours?)\b/gi, '<duration>'],
  // Identifiers that carry digits (req_8f3a2, doc-42, user42): the digits make them unique.
  // Version 1 wrote this /\b[A-Za-z]+[-_]?(?=[\w-]*\d)[\w-]*\d[\w-]*\b/g; the letters, separator
  // and lookahead there are all implied by the rest, and the same text matches (a test holds the
  // two to each other), with half the scanning.
  [/\b[A-Za-z][\w-]*\d[\w-]*\b/g, '<id>'],
  [/[-+]?\b\d+(?:[.,]\d+)*\b/g, '<num>'],
];
/** Whitespace other than a lone space: only then does collapsing change anything. */
const UNTIDY_SPACE = /[^\S ]|\s\s/;

/**
 * Logs repeat themselves, so templates are memoised; bounded so memory stays flat. But a cache
 * that takes every message costs a third of the time of a run over distinct messages (hashing and
 * holding them keeps the garbage collector busy), so a message is cached only when it is seen a
 * second time: `seen` remembers a cheap hash of each message met, in a fixed-size table. A hash
 * that collides only makes a message cached early or late; the template is the same either way.
 */
const cache = new Map<string, string>();
const CACHE_LIMIT = 50_000;
const SEEN_SLOTS = 1 << 16;
const seen = new Int32Array(SEEN_SLOTS);
/** Characters hashed: enough to tell messages apart, bounded for very long ones. */
const HASHED = 256;

/** FNV-1a over the first HASHED code units, mixed with the length. */
function quickHash(text: string): number {
  let hash = 0x811c9dc5 ^ text.length;
  const end = Math.min(text.length, HASHED);
  for (let i = 0; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/** The template of a message: variable parts replaced by placeholders, spaces collapsed. */
export function messageTemplate(message: string): string {
  const hash = quickHash(message);
  const slot = hash & (SEEN_SLOTS - 1);
  if (seen[slot] !== hash) {
    seen[slot] = hash;
    return computeTemplate(message);
  }
  const known = cache.get(message);
  if (known !== undefined) return known;
  const template = computeTemplate(message);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(message, template);
  return template;
}

function computeTemplate(message: string): string {
  let template = message.length > 2000 ? message.slice(0, 2000) : message;
  for (const [pattern, placeholder, canMatch] of RULES) {
    if (canMatch(template)) template = template.replace(pattern, placeholder);
  }
  if (hasDigit.test(template)) {
    for (const [pattern, placeholder] of DIGIT_RULES) template = template.replace(pattern, placeholder);
  }
  if (UNTIDY_SPACE.test(template)) template = template.replace(/\s+/g, ' ');
  return template.trim();
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
