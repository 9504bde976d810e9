import { ux } from '@oclif/core';
import { terminal, type Terminal } from './terminal.js';

// Apart from terminal.ts, which the record path's fast path loads without oclif.
const SEVERITY_COLOR: Record<string, string> = {
  CRITICAL: 'redBright',
  HIGH: 'red',
  MEDIUM: 'yellow',
  LOW: 'gray',
};

/** A severity in its colour on a terminal that shows colour; as it is otherwise. */
export function severity(text: string, term: Terminal = terminal()): string {
  const color = SEVERITY_COLOR[text];
  return term.color && color ? ux.colorize(color, text) : text;
}
