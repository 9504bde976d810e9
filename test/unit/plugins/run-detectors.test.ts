import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  runDetectors,
  type LoadedDetector,
  type PluginWarning,
} from '../../../src/core/plugins/run-detectors.js';
import type { Detector, Finding } from '../../../src/core/sdk/types.js';
import { createDetectorContext } from '../../../src/testing/index.js';
import { tempDir } from '../../helpers/cli.js';

const detector = (id: string, detect: () => unknown): Detector => ({
  id,
  type: 'code_smell',
  description: '',
  detect: detect as () => Finding[],
});

function contextFor(plugin: string, warnings: PluginWarning[], id: string) {
  return {
    ...createDetectorContext(),
    warn: (message: string) => warnings.push({ plugin, component: id, error: message }),
  };
}

describe('runDetectors and the result limits', () => {
  it('bounds what an in-process detector returns; a detector whose result was cut completes nothing', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const loaded: LoadedDetector[] = [
      {
        plugin: 'many',
        detector: detector('many/d', () =>
          Array.from({ length: 1001 }, (_, i) => ({ title: `f${i}`, description: '' })),
        ),
      },
      {
        plugin: 'cyclic',
        detector: detector('cyclic/d', () => [
          { title: 'loop', description: '', evidence: cyclic },
          { title: 'fine', description: '' },
        ]),
      },
      { plugin: 'whole', detector: detector('whole/d', () => [{ title: 'whole', description: '' }]) },
    ];
    const run = await runDetectors(loaded, contextFor, 10_000);
    expect(run.findings.filter((f) => f.detector === 'many/d')).toHaveLength(1000);
    expect(run.findings.filter((f) => f.detector === 'cyclic/d').map((f) => f.finding.title)).toEqual([
      'fine',
    ]);
    expect([...run.completed]).toEqual(['whole/d']);
    expect(run.warnings).toEqual([
      {
        plugin: 'many',
        component: 'many/d',
        error: 'returned 1001 findings; only the first 1000 are used (limit: 1000 findings per call)',
      },
      {
        plugin: 'cyclic',
        component: 'cyclic/d',
        error: 'finding 0 was left out: its data refers to itself (a cycle), which JSON cannot carry',
      },
    ]);
  });

  it('stops a plugin process that sends a message over the size kv1nt reads', async () => {
    const dir = tempDir({
      'flood.mjs': `
import fs from 'node:fs';
export default { apiVersion: 1, name: 'flood', detectors: [{ id: 'flood/d', type: 'code_smell', description: '',
  detect() {
    // Around kv1nt's side of the process, straight onto the pipe, until it is stopped.
    const chunk = Buffer.alloc(64 * 1024, 'x');
    fs.writeSync(3, '"');
    for (;;) {
      try { fs.writeSync(3, chunk); } catch (error) { if (error.code !== 'EAGAIN') throw error; }
    }
  } }] };
`,
    });
    const run = await runDetectors(
      [{ plugin: 'flood', modulePath: path.join(dir, 'flood.mjs'), detector: detector('flood/d', () => []) }],
      contextFor,
      10_000,
    );
    expect(run.warnings).toEqual([
      {
        plugin: 'flood',
        component: 'flood/d',
        error: 'its process sent a message over 9437184 bytes before detect() returned',
      },
    ]);
    expect(run.completed.size).toBe(0);
  });
});
