import { expect } from 'vitest';
import trainingNeeded from '../../../../src/plugins/detectors/training-needed.js';
import { DetectorTester, exactly, readsNoFeedback } from '../../../helpers/detector-cases.js';

const impacts = [0.1, 0.9, 0.3, 0.7, 0.5, 0.2, 0.8];

new DetectorTester().run(trainingNeeded, {
  valid: [
    { name: 'no finding without learnings', check: readsNoFeedback },
    {
      name: 'no finding when every learning is absorbed',
      ctx: {
        learnings: [
          { absorbedAt: '2026-11-20T10:00:00.000Z' },
          { learningType: 'skill_enhancement', absorbedAt: '2026-11-21T10:00:00.000Z' },
        ],
      },
    },
  ],
  invalid: [
    {
      name: 'one finding for a single unabsorbed learning (absorbedAt null or absent)',
      ctx: {
        learnings: [
          { id: 'lrn_a', absorbedAt: '2026-11-20T10:00:00.000Z' },
          { id: 'lrn_b', title: 'Retry on 503', impactScore: 0.4, absorbedAt: undefined },
        ],
      },
      ...exactly(
        [
          {
            title: '1 learning(s) not absorbed yet',
            description:
              'The agent has 1 learning(s) it has not absorbed; the most impactful: "Retry on 503".',
            evidence: {
              pending: 1,
              learningIds: ['lrn_b'],
              top: [{ id: 'lrn_b', title: 'Retry on 503', impactScore: 0.4 }],
            },
          },
        ],
        (_findings, ctx) => expect(ctx.learnings[1]?.absorbedAt).toBeUndefined(),
      ),
    },
    {
      // One finding per agent: the host keys it by type alone and applies LOW.
      name: 'lists every pending learning and the top 5 by impact',
      ctx: {
        learnings: [
          ...impacts.map((impactScore, i) => ({ id: `lrn_${i}`, title: `L${i}`, impactScore })),
          { id: 'lrn_done', title: 'absorbed', impactScore: 1, absorbedAt: '2026-11-20T10:00:00.000Z' },
        ],
      },
      ...exactly([
        {
          title: '7 learning(s) not absorbed yet',
          description:
            'The agent has 7 learning(s) it has not absorbed; the most impactful: "L1", "L6", "L3", "L4", "L2".',
          evidence: {
            pending: 7,
            learningIds: ['lrn_0', 'lrn_1', 'lrn_2', 'lrn_3', 'lrn_4', 'lrn_5', 'lrn_6'],
            top: [
              { id: 'lrn_1', title: 'L1', impactScore: 0.9 },
              { id: 'lrn_6', title: 'L6', impactScore: 0.8 },
              { id: 'lrn_3', title: 'L3', impactScore: 0.7 },
              { id: 'lrn_4', title: 'L4', impactScore: 0.5 },
              { id: 'lrn_2', title: 'L2', impactScore: 0.3 },
            ],
          },
        },
      ]),
    },
  ],
});
