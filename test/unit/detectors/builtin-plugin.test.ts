import { describe, expect, it } from 'vitest';
import builtin from '../../../src/plugins/index.js';
import { OPPORTUNITY_TYPES } from '../../../src/core/sdk/types.js';
import { detect, makeContext } from '../../helpers/detector-context.js';

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

  it.each(detectors.map((d) => [d.id, d] as const))(
    '%s finds nothing on an empty window, asks no tool, warns of nothing and reads no raw feedback',
    async (_id, detector) => {
      const ctx = makeContext();
      expect(await detect(detector, ctx)).toEqual([]);
      expect(ctx.runCalls).toEqual([]);
      expect(ctx.warnings).toEqual([]);
      expect(ctx.feedbackReads).toBe(0);
    },
  );
});
