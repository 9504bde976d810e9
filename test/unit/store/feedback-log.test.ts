import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataDir } from '../../../src/core/store/data-dir.js';
import {
  FeedbackLog,
  LOG_SCHEMA_VERSION,
  parseLogLine,
  type FeedbackLogOptions,
  type LogLine,
} from '../../../src/core/store/feedback-log.js';
import { tempDir } from '../../helpers/cli.js';
import { rejection } from './helpers.js';

const HEADER = '{"format":"kv1nt-feedback-log","schemaVersion":1}\n';

afterEach(() => {
  vi.restoreAllMocks();
});

function newLog(options: FeedbackLogOptions = {}): { log: FeedbackLog; root: string } {
  const root = tempDir();
  return { log: new FeedbackLog(new DataDir(root), options), root };
}

function texts(lines: Iterable<LogLine>): string[] {
  return [...lines].map((line) => line.text);
}

function record(n: number): string {
  return JSON.stringify({ n });
}

describe('FeedbackLog.append and linesFrom', () => {
  it('round-trips records in order, with resumable positions', async () => {
    const { log } = newLog();
    expect(LOG_SCHEMA_VERSION).toBe(1);
    expect(texts(log.linesFrom())).toEqual([]);
    expect(log.endPosition()).toEqual({ segment: 0, offset: 0 });

    await log.append([record(1), record(2)]);
    await log.append([record(3)]);
    await log.append([]);

    const file = log.segmentPath(1);
    expect(file).toBe(path.join(log.dir, '000001.jsonl'));
    expect(fs.readFileSync(file, 'utf8')).toBe(`${HEADER}{"n":1}\n{"n":2}\n{"n":3}\n`);
    const h = HEADER.length;
    expect([...log.linesFrom()]).toEqual([
      { text: '{"n":1}', end: { segment: 1, offset: h + 8 } },
      { text: '{"n":2}', end: { segment: 1, offset: h + 16 } },
      { text: '{"n":3}', end: { segment: 1, offset: h + 24 } },
    ]);
    expect(texts(log.linesFrom({ segment: 1, offset: h + 8 }))).toEqual(['{"n":2}', '{"n":3}']);
    expect(log.endPosition()).toEqual({ segment: 1, offset: h + 24 });
    expect(texts(log.linesFrom(log.endPosition()))).toEqual([]);
    expect(log.bytes()).toBe(h + 24);
    expect(fs.readdirSync(log.dir)).toEqual(['000001.jsonl']);
  });

  it('fdatasyncs every append', async () => {
    const { log } = newLog();
    await log.append([record(1)]);
    const sync = vi.spyOn(fs, 'fdatasyncSync');
    await log.append([record(2)]);
    expect(sync).toHaveBeenCalledTimes(1);
  });

  it('starts a new segment once the newest one reaches maxSegmentBytes, never splitting an append', async () => {
    // Header 51 bytes; each record below is 31 bytes with its newline.
    const { log } = newLog({ maxSegmentBytes: 100 });
    const line = (n: number): string => JSON.stringify({ n, pad: 'x'.repeat(14) });
    expect(Buffer.byteLength(`${line(1)}\n`)).toBe(31);

    await log.append([line(1)]); // 51 → 82
    await log.append([line(2)]); // 82 < 100: same segment → 113
    await log.append([line(3), line(4), line(5)]); // 113 ≥ 100: new segment, all three in it
    await log.append([line(6)]); // 51 + 93 = 144 ≥ 100: another one

    expect(log.segments()).toEqual([1, 2, 3]);
    expect(fs.readFileSync(log.segmentPath(1), 'utf8')).toBe(`${HEADER}${line(1)}\n${line(2)}\n`);
    expect(fs.readFileSync(log.segmentPath(2), 'utf8')).toBe(`${HEADER}${line(3)}\n${line(4)}\n${line(5)}\n`);
    expect(fs.readFileSync(log.segmentPath(3), 'utf8')).toBe(`${HEADER}${line(6)}\n`);
    expect(texts(log.linesFrom())).toEqual([1, 2, 3, 4, 5, 6].map(line));
    // Resuming at the very end of segment 1 continues in segment 2.
    expect(texts(log.linesFrom({ segment: 1, offset: 113 }))).toEqual([3, 4, 5, 6].map(line));
  });

  it('ignores files in the log folder that are not segments', async () => {
    const { log } = newLog();
    await log.append([record(1)]);
    fs.writeFileSync(path.join(log.dir, 'notes.txt'), 'hello\n');
    fs.writeFileSync(path.join(log.dir, '12.jsonl'), 'not six digits\n');
    expect(log.segments()).toEqual([1]);
    expect(texts(log.linesFrom())).toEqual(['{"n":1}']);
  });
});

describe('FeedbackLog.appendSegment', () => {
  it('adds the lines as one new segment after the existing ones', async () => {
    const { log } = newLog();
    await log.append([record(1)]);
    await log.appendSegment([record(2), record(3)]);
    await log.appendSegment([]);
    expect(log.segments()).toEqual([1, 2]);
    expect(fs.readFileSync(log.segmentPath(2), 'utf8')).toBe(`${HEADER}{"n":2}\n{"n":3}\n`);
    // Later appends go to the newest segment.
    await log.append([record(4)]);
    expect(texts(log.linesFrom())).toEqual([1, 2, 3, 4].map(record));
    expect(fs.readdirSync(log.dir)).toEqual(['000001.jsonl', '000002.jsonl']);
  });

  it('a half-written import (a leftover *.tmp) is invisible to readers and removed by the next append', async () => {
    const { log } = newLog();
    await log.append([record(1)]);
    const leftover = path.join(log.dir, '000002.jsonl.4242.0badc0de.tmp');
    fs.writeFileSync(leftover, `${HEADER}{"n":2}\n{"n":3`);

    expect(log.segments()).toEqual([1]);
    expect(texts(log.linesFrom())).toEqual(['{"n":1}']);

    await log.append([record(4)]);
    expect(fs.readdirSync(log.dir)).toEqual(['000001.jsonl']);
    expect(texts(log.linesFrom())).toEqual(['{"n":1}', '{"n":4}']);
  });

  it('is all-or-nothing: when the rename fails, no segment and no temp file appear', async () => {
    const { log } = newLog();
    await log.append([record(1)]);
    vi.spyOn(fs, 'renameSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('EIO: simulated'), { code: 'EIO' });
    });
    await expect(log.appendSegment([record(2), record(3)])).rejects.toMatchObject({ code: 'EIO' });
    expect(fs.readdirSync(log.dir)).toEqual(['000001.jsonl']);
    expect(texts(log.linesFrom())).toEqual(['{"n":1}']);
  });
});

describe('FeedbackLog: a writer killed mid-append', () => {
  it('leaves a torn tail that readers skip, and the next append moves it to .torn', async () => {
    const { log } = newLog();
    await log.append([record(1), record(2)]);
    const file = log.segmentPath(1);
    fs.appendFileSync(file, '{"n":3,"half');

    expect(texts(log.linesFrom())).toEqual(['{"n":1}', '{"n":2}']);

    await log.append([record(4)]);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${HEADER}{"n":1}\n{"n":2}\n{"n":4}\n`);
    expect(fs.readFileSync(`${file}.torn`, 'utf8')).toBe('{"n":3,"half\n');
    expect(texts(log.linesFrom())).toEqual(['{"n":1}', '{"n":2}', '{"n":4}']);
    expect(log.segments()).toEqual([1]);
  });

  it('a segment whose header was torn is read as empty and repaired by the next append', async () => {
    const { log } = newLog();
    fs.mkdirSync(log.dir, { recursive: true });
    fs.writeFileSync(log.segmentPath(1), HEADER.slice(0, 20));
    expect(texts(log.linesFrom())).toEqual([]);

    await log.append([record(1)]);
    expect(fs.readFileSync(log.segmentPath(1), 'utf8')).toBe(`${HEADER}{"n":1}\n`);
    expect(fs.readFileSync(`${log.segmentPath(1)}.torn`, 'utf8')).toBe(`${HEADER.slice(0, 20)}\n`);
  });

  it('an empty segment (its creator died at once) gets its header on the next append', async () => {
    const { log } = newLog();
    fs.mkdirSync(log.dir, { recursive: true });
    fs.writeFileSync(log.segmentPath(1), '');
    await log.append([record(1)]);
    expect(fs.readFileSync(log.segmentPath(1), 'utf8')).toBe(`${HEADER}{"n":1}\n`);
  });
});

describe('FeedbackLog: damage and versions', () => {
  it('a damaged complete line in the middle is STORE_CORRUPT naming the segment and offset', async () => {
    const { log } = newLog();
    await log.append([record(1)]);
    const file = log.segmentPath(1);
    fs.appendFileSync(file, '{"n":2,garbage}\n');
    await log.append([record(3)]);
    const before = fs.readFileSync(file, 'utf8');

    const lines = [...log.linesFrom()];
    expect(texts(lines)).toEqual(['{"n":1}', '{"n":2,garbage}', '{"n":3}']);
    expect(parseLogLine(lines[0]!, file)).toEqual({ n: 1 });
    let error: unknown;
    try {
      parseLogLine(lines[1]!, file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'STORE_CORRUPT' });
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain(`ending at byte ${HEADER.length + 8 + 16}`);

    // rewrite() parses every line: it refuses the same way and changes nothing.
    const onRewrite = await rejection(log.rewrite(() => true));
    expect({ code: onRewrite.code, message: onRewrite.message }).toEqual({ code: 'STORE_CORRUPT', message });
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('a segment with a newer schemaVersion is STORE_TOO_NEW', async () => {
    const { log } = newLog();
    await log.append([record(1)]);
    fs.mkdirSync(log.dir, { recursive: true });
    fs.writeFileSync(log.segmentPath(2), '{"format":"kv1nt-feedback-log","schemaVersion":2}\n{"n":2}\n');
    let error: unknown;
    try {
      texts(log.linesFrom());
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'STORE_TOO_NEW' });
    expect((error as Error).message).toContain(log.segmentPath(2));
    // Reading from segment 1 still yields what is there before reaching it.
    const reader = log.linesFrom();
    expect(reader.next().value).toMatchObject({ text: '{"n":1}' });
  });

  it('append refuses to add records to a segment with a newer schemaVersion, leaving it unchanged', async () => {
    // A newer kv1nt wrote this segment; this one must not mix its version-1 records into it.
    const { log } = newLog();
    fs.mkdirSync(log.dir, { recursive: true });
    const newer = '{"format":"kv1nt-feedback-log","schemaVersion":2}\n{"v2":true}\n';
    fs.writeFileSync(log.segmentPath(1), newer);
    const error = await rejection(log.append([record(1)]));
    expect(error.code).toBe('STORE_TOO_NEW');
    expect(error.message).toContain(log.segmentPath(1));
    expect(fs.readFileSync(log.segmentPath(1), 'utf8')).toBe(newer);
  });

  it.each([
    ['a header that is not JSON', 'oops\n{"n":1}\n', /header line is not JSON/],
    ['a foreign JSON Lines file', '{"n":1}\n{"n":2}\n', /not a kv1nt feedback log segment/],
    ['no newline in the first 256 bytes', 'x'.repeat(300), /no header line/],
  ])('%s is STORE_CORRUPT naming the segment', (_name, content, reason) => {
    const { log } = newLog();
    fs.mkdirSync(log.dir, { recursive: true });
    fs.writeFileSync(log.segmentPath(1), content);
    let error: unknown;
    try {
      texts(log.linesFrom());
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'STORE_CORRUPT' });
    expect((error as Error).message).toContain(log.segmentPath(1));
    expect((error as Error).message).toMatch(reason);
  });
});

describe('FeedbackLog.rewrite', () => {
  it('drops matching records, rewriting only the segments that change', async () => {
    const { log } = newLog({ maxSegmentBytes: 60 });
    const entry = (agentId: string, n: number): string => JSON.stringify({ agentId, n });
    await log.append([entry('a', 1), entry('b', 2)]);
    await log.append([entry('a', 3)]);
    await log.append([entry('b', 4), entry('b', 5)]);
    expect(log.segments()).toEqual([1, 2, 3]);
    const untouched = fs.statSync(log.segmentPath(3)).ino;

    const removed = await log.rewrite((value) => (value as { agentId: string }).agentId !== 'a');

    expect(removed).toBe(2);
    expect(log.segments()).toEqual([1, 2, 3]);
    expect(fs.readFileSync(log.segmentPath(1), 'utf8')).toBe(`${HEADER}${entry('b', 2)}\n`);
    expect(fs.readFileSync(log.segmentPath(2), 'utf8')).toBe(HEADER);
    expect(fs.statSync(log.segmentPath(3)).ino).toBe(untouched);
    expect(texts(log.linesFrom())).toEqual([entry('b', 2), entry('b', 4), entry('b', 5)]);
    expect(await log.rewrite(() => true)).toBe(0);
    expect(fs.readdirSync(log.dir)).toEqual(['000001.jsonl', '000002.jsonl', '000003.jsonl']);
  });
});
