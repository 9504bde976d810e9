import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyAggregates, foldEntry } from '../../../src/core/feedback/aggregates.js';
import type { FeedbackEntry } from '../../../src/core/feedback/types.js';
import { feedbackEntry } from '../../helpers/feedback-entry.js';
import { DataDir } from '../../../src/core/store/data-dir.js';
import { parseDoc, type DocSpec } from '../../../src/core/store/json-store.js';
import {
  AGENT_REGISTRY,
  FEEDBACK_STORE,
  OPTIMIZATION_STORE,
  SCORE_AGGREGATES,
  openStores,
} from '../../../src/core/store/stores.js';
import { tempDir } from '../../helpers/cli.js';
import { rejection, thrown } from './helpers.js';

const FILE = '/data/store.json';

const entry = (partial: Partial<FeedbackEntry>): FeedbackEntry =>
  feedbackEntry({ type: 'failure', score: 0, ...partial });

/** The reason in a STORE_CORRUPT message for `doc` under `spec`. */
function problem<T extends { schemaVersion: number }>(spec: DocSpec<T>, doc: unknown): string {
  const error = thrown(() => parseDoc(FILE, JSON.stringify(doc), spec));
  expect(error.code).toBe('STORE_CORRUPT');
  expect(error.message).toContain(FILE);
  expect(error.message).toContain('kv1nt has not changed it');
  return error.message;
}

describe('store shapes: what every store accepts', () => {
  it('the defaults, and documents as kv1nt writes them', () => {
    for (const spec of [AGENT_REGISTRY, SCORE_AGGREGATES, FEEDBACK_STORE, OPTIMIZATION_STORE] as const)
      expect(() =>
        parseDoc(FILE, JSON.stringify(spec.defaults()), spec as DocSpec<{ schemaVersion: number }>),
      ).not.toThrow();
    const aggregates = emptyAggregates();
    foldEntry(
      aggregates,
      entry({
        errorType: 'constructor',
        durationMs: 5,
        metrics: JSON.parse('{"__proto__": 1}') as Record<string, number>,
      }),
    );
    foldEntry(aggregates, entry({ agentId: 'toString', type: 'user_rating', score: 0.5, rating: 3 }));
    expect(
      parseDoc(FILE, JSON.stringify({ schemaVersion: 4, ...aggregates }), SCORE_AGGREGATES).agents,
    ).toEqual(JSON.parse(JSON.stringify(aggregates.agents)));
    const registry = {
      schemaVersion: 1,
      agents: { constructor: { path: '/a', test: 't', addedAt: 'x', slaMs: 5 } },
    };
    expect(Object.keys(parseDoc(FILE, JSON.stringify(registry), AGENT_REGISTRY).agents)).toEqual([
      'constructor',
    ]);
  });

  it('fields a newer kv1nt of the same schema version added', () => {
    const doc = {
      ...OPTIMIZATION_STORE.defaults(),
      verifications: [],
      opportunities: [{ id: 'o', agentId: 'a', type: 't', severity: 'LOW', status: 'open', extra: {} }],
    };
    expect(parseDoc(FILE, JSON.stringify(doc), OPTIMIZATION_STORE)).toEqual(doc);
  });
});

describe('store shapes: wrong field types name the file and the field', () => {
  it.each([
    [{ schemaVersion: 1, agents: [] }, 'the field agents: expected an object'],
    [
      { schemaVersion: 1, agents: { a: { path: 5, test: 't' } } },
      'the field agents.a.path: Invalid type: Expected string but received 5',
    ],
    [
      { schemaVersion: 1, agents: { constructor: { path: '/a', test: 7 } } },
      'the field agents.constructor.test',
    ],
    [
      { schemaVersion: 1, agents: { a: { path: '/a', test: 't', testTimeoutMs: 3e9 } } },
      'the field agents.a.testTimeoutMs',
    ],
  ])('agents.json %j', (doc, reason) => {
    expect(problem(AGENT_REGISTRY, doc)).toContain(reason);
  });

  it.each([
    [{ foldedTo: { segment: 'x', offset: 0 }, agents: {} }, 'the field foldedTo.segment'],
    [
      {
        foldedTo: { segment: 0, offset: 0 },
        agents: {},
        epochs: {
          'a@t': {
            agentId: 'a',
            since: 't',
            from: { segment: 0, offset: 0 },
            bucket: bucket(),
            kinds: { constructor: { successes: 'x' } },
          },
        },
      },
      'the field epochs.a@t.kinds.constructor.successes',
    ],
    [
      {
        foldedTo: { segment: 0, offset: 0 },
        agents: { a: { h: { ...bucket(), metricBins: { m: { '3': null } } } } },
      },
      'metricBins.m.3: expected a number, got null',
    ],
    [{ foldedTo: { segment: 0, offset: 0 }, agents: { a: 5 } }, 'the field agents.a: expected an object'],
    [
      { foldedTo: { segment: 0, offset: 0 }, agents: { a: { h: { n: 'many' } } } },
      'the field agents.a.h: n: expected a number, got "many"',
    ],
    // As the key-unsafe fold used to store it: a string where a count belongs.
    [
      {
        foldedTo: { segment: 0, offset: 0 },
        agents: {
          a: { h: { ...bucket(), errors: { constructor: 'function Object() { [native code] }1' } } },
        },
      },
      'the field agents.a.h: errors.constructor: expected a number, got "function Object() { [native code] }1"',
    ],
    [
      {
        foldedTo: { segment: 0, offset: 0 },
        agents: { a: { h: { ...bucket(), metrics: { m: { sum: 1, n: 1, max: 'x' } } } } },
      },
      'metrics.m.max: expected a number or null',
    ],
    [
      { foldedTo: { segment: 0, offset: 0 }, agents: { a: { h: { ...bucket(), duration: null } } } },
      'duration: expected an object, got null',
    ],
  ])('aggregates.json %j', (doc, reason) => {
    expect(problem(SCORE_AGGREGATES, { schemaVersion: 4, epochs: {}, ...doc })).toContain(reason);
  });

  it.each([
    [{ patterns: {}, learningEvents: [] }, 'the field patterns: Invalid type: Expected Array'],
    [{ patterns: [{ id: 'p', agentId: 'a' }], learningEvents: [] }, 'the field patterns.0.patternType'],
    [{ patterns: [], learningEvents: [{ id: 'l', agentId: 7 }] }, 'the field learningEvents.0.agentId'],
  ])('feedback/store.json %j', (doc, reason) => {
    expect(problem(FEEDBACK_STORE, { schemaVersion: 1, ...doc })).toContain(reason);
  });

  it.each([
    [{ opportunities: 'none' }, 'the field opportunities'],
    [
      { healthHistory: [{ id: 'h', agentId: 'a', timestamp: 't', healthScore: '90' }] },
      'the field healthHistory.0.healthScore',
    ],
    [
      { optimizationResults: [{ id: 'r', agentId: 'a', actions: {} }] },
      'the field optimizationResults.0.actions',
    ],
  ])('optimization/store.json %j', (doc, reason) => {
    expect(problem(OPTIMIZATION_STORE, { ...OPTIMIZATION_STORE.defaults(), ...doc })).toContain(reason);
  });

  it('a store read through JsonDocStore leaves the corrupt file as it was', async () => {
    const stores = openStores(new DataDir(tempDir()));
    const text = JSON.stringify({ schemaVersion: 1, patterns: 'x', learningEvents: [] });
    fs.mkdirSync(path.dirname(stores.feedback.file), { recursive: true });
    fs.writeFileSync(stores.feedback.file, text);
    expect((await rejection(stores.feedback.update(() => undefined))).code).toBe('STORE_CORRUPT');
    expect(fs.readFileSync(stores.feedback.file, 'utf8')).toBe(text);
  });
});

function bucket() {
  return {
    n: 1,
    byType: {},
    bySource: {},
    byTypeSource: {},
    scoreSum: {},
    scoreMin: {},
    sourceScoreSum: {},
    ratingSum: 0,
    ratingN: 0,
    errors: {},
    duration: { sum: 0, n: 0, max: null },
    durationBins: {},
    okDuration: { sum: 0, n: 0, max: null },
    okDurationBins: {},
    qualityBins: {},
    metrics: {},
    metricBins: {},
    first: 'x',
    last: 'y',
  };
}
