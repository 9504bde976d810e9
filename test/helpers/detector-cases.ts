/**
 * What the built-in detectors' tests share: a DetectorTester hooked into vitest (which runs
 * without globals here) and checks that DetectorTester's partial matching cannot express.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/sdk/types.js';
import { DetectorTester, type TestDetectorContext } from '../../src/testing/index.js';
import { writeFiles } from './cli.js';

DetectorTester.describe = describe;
DetectorTester.it = it;

export { DetectorTester };

export type Check = (findings: Finding[], ctx: TestDetectorContext) => void;

/** The detector works from the metrics: it never read `ctx.feedback`. */
export const readsNoFeedback: Check = (_findings, ctx) => expect(ctx.feedbackReads).toBe(0);

/** It ran no tool (and read no feedback). */
export const runsNothing: Check = (_findings, ctx) => {
  expect(ctx.runCalls).toEqual([]);
  expect(ctx.feedbackReads).toBe(0);
};

/**
 * Exactly these findings, every field and nothing more (a finding without `severity` leaves it to
 * the host, which applies the type's default), then `also`.
 */
export function exactly(findings: Finding[], also?: Check): { findings: Finding[]; check: Check } {
  return {
    findings,
    check(found, ctx) {
      expect(found).toStrictEqual(findings);
      also?.(found, ctx);
    },
  };
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

/**
 * An agent folder with `files` (nested paths allowed), made while the cases are collected (a case's
 * ctx needs its path then) and removed after the file's tests; `tempDir` lasts one test only.
 */
export function agentFolder(files: Record<string, string> = {}): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kv1nt-detector-'));
  folders.push(folder);
  writeFiles(folder, files);
  return folder;
}
