import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

/** Every record id in the log, checking that each segment parses line by line (a torn last line aside). */
export function loggedIds(data: string): string[] {
  const dir = path.join(data, 'feedback/log');
  const ids: string[] = [];
  if (!fs.existsSync(dir)) return ids;
  for (const name of fs
    .readdirSync(dir)
    .filter((n) => /^\d+\.jsonl$/.test(n))
    .sort()) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const lines = text.split('\n');
    // The last element is '' after a final newline, or a torn line: neither is a record.
    const complete = lines.slice(0, -1);
    // A segment whose creator was killed before its header was complete: the next writer repairs it.
    if (complete.length === 0) continue;
    expect(JSON.parse(complete[0]!)).toMatchObject({ format: 'kv1nt-feedback-log' });
    for (const line of complete.slice(1)) ids.push((JSON.parse(line) as { id: string }).id);
  }
  return ids;
}
