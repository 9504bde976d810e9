import { describe, expect, it } from 'vitest';
import builtin from '../../../src/plugins/index.js';
import { OPPORTUNITY_TYPES } from '../../../src/core/sdk/types.js';
import { DetectorTester, runsNothing } from '../../helpers/detector-cases.js';

const detectors = builtin.detectors ?? [];

describe('the built-in plugin', () => {
  it('targets API version 1', () => {
    expect(builtin.apiVersion).toBe(1);
    expect(builtin.name).toBe('kv1nt-builtin');
  });

  it('has the twelve detectors, each with a unique kv1nt/ id and a description', () => {
    expect(detectors).toHaveLength(12);
    const ids = detectors.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const detector of detectors) {
      expect(detector.id).toMatch(/^kv1nt\/[a-z-]+$/);
      expect(detector.description).not.toBe('');
      expect(typeof detector.detect).toBe('function');
    }
  });

  it('covers all ten opportunity types, and only those', () => {
    const types = new Set(detectors.map((d) => d.type));
    expect([...types].sort()).toEqual([...OPPORTUNITY_TYPES].sort());
  });

  for (const detector of detectors) {
    new DetectorTester().run(detector, {
      valid: [
        {
          name: 'finds nothing on an empty window, asks no tool, warns of nothing and reads no raw feedback',
          warnings: [],
          check: runsNothing,
        },
      ],
    });
  }
});
