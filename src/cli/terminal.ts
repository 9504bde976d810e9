import { visible } from '../core/recording.js';

/** The terminal the human output goes to: how wide, whether in colour. */
export interface Terminal {
  /** Columns a line may take; null: no limit (piped, redirected, or --wide). */
  width: number | null;
  color: boolean;
}

let wide = false;

/** `--wide`: print everything, whatever the terminal's width. */
export function setWide(value: boolean): void {
  wide = value;
}

/**
 * Where stdout goes now: a terminal's width (80 when it does not say), no limit when piped — a
 * script reading the output gets it whole — or with --wide. Colour on a terminal only, never with
 * NO_COLOR (https://no-color.org).
 */
export function terminal(stream: NodeJS.WriteStream = process.stdout): Terminal {
  const tty = Boolean(stream.isTTY);
  const columns = stream.columns > 0 ? stream.columns : 80;
  return {
    width: tty && !wide ? columns : null,
    color: tty && !process.env.NO_COLOR,
  };
}

/** `text` on one line of at most `width` columns: a longer one ends in `…`. */
export function cut(text: string, width: number | null): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ');
  if (width === null) return flat;
  const chars = [...flat];
  if (chars.length <= width) return flat;
  return width < 1 ? '' : `${chars.slice(0, width - 1).join('')}…`;
}

/** The colour sequences `severity` paints with (SGR foreground colours and their reset). */
// eslint-disable-next-line no-control-regex -- ESC starts exactly the sequences to keep
const COLOUR_SEQUENCE = /(\x1b\[(?:3[0-9]|9[0-7])m)/;

/**
 * `visible` for a whole line of output, except the colour sequences kv1nt painted (cells are
 * made visible before painting): an escape that came with the data is still shown as `\u{001B}`.
 */
export function visibleExceptColour(text: string, term: Terminal = terminal()): string {
  if (!term.color) return visible(text);
  return text
    .split(COLOUR_SEQUENCE)
    .map((part, i) => (i % 2 === 1 ? part : visible(part)))
    .join('');
}

const UNITS: Array<[limitSeconds: number, unitSeconds: number, unit: string]> = [
  [90 * 60, 60, 'min'],
  [36 * 3600, 3600, 'h'],
  [14 * 86_400, 86_400, 'd'],
];

/**
 * A time for a table: relative while recent ("3 h ago", "in 20 min"), else the local date and
 * time. JSON keeps the ISO string.
 */
export function when(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const seconds = (now.getTime() - at.getTime()) / 1000;
  const size = Math.abs(seconds);
  if (size < 45) return 'just now';
  for (const [limit, unit, name] of UNITS)
    if (size < limit) {
      const count = Math.max(1, Math.round(size / unit));
      return seconds > 0 ? `${count} ${name} ago` : `in ${count} ${name}`;
    }
  return localTime(at);
}

/** `2026-11-30 14:05` in the local time zone. */
export function localTime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
}
