import type { PatternInfo } from '../../../../src/core/sdk/types.js';
import capabilityGap from '../../../../src/plugins/detectors/capability-gap.js';
import { DetectorTester, exactly, readsNoFeedback } from '../../../helpers/detector-cases.js';

/** A behaviour pattern: `failureRate` of the "pdf-export" operations fail. */
const pdfExport = (failureRate: number) => ({
  patterns: [
    {
      id: 'pat_pdf',
      patternType: 'behavior',
      operationKind: 'pdf-export',
      failureRate,
      frequency: 14,
      lastSeen: '2026-11-23T16:00:00.000Z',
    } satisfies Partial<PatternInfo>,
  ],
});

const quietPatterns: Array<[name: string, pattern: Partial<PatternInfo>]> = [
  ['no operationKind', { failureRate: 0.9 }],
  ['no failureRate', { operationKind: 'ocr' }],
  // As a third party's pattern data could hold it: the type says number, the value is a string.
  [
    'a failureRate that is not a number',
    JSON.parse('{"operationKind": "ocr", "failureRate": "0.9"}') as Partial<PatternInfo>,
  ],
  ['an inactive pattern', { operationKind: 'ocr', failureRate: 0.9, status: 'inactive' }],
];

new DetectorTester().run(capabilityGap, {
  valid: [
    {
      name: 'a pattern with an operationKind and failureRate 0.49',
      ctx: pdfExport(0.49),
      check: readsNoFeedback,
    },
    ...quietPatterns.map(([name, pattern]) => ({
      name: `no finding for ${name}`,
      ctx: { patterns: [pattern] },
    })),
    {
      name: 'no finding for an absorbed skill_enhancement learning',
      ctx: {
        learnings: [{ learningType: 'skill_enhancement' as const, absorbedAt: '2026-11-24T09:00:00.000Z' }],
      },
    },
    {
      name: 'no finding for an unabsorbed learning of another type',
      ctx: { learnings: [{ learningType: 'error_avoidance' as const, absorbedAt: null }] },
    },
    { name: 'no finding without patterns or learnings' },
  ],
  invalid: [
    {
      name: 'a pattern with an operationKind and failureRate 0.5',
      ctx: pdfExport(0.5),
      ...exactly(
        [
          {
            title: 'The agent keeps failing "pdf-export" operations',
            description: '50 % of "pdf-export" operations fail (14 seen, last 2026-11-23T16:00:00.000Z).',
            evidence: { operationKind: 'pdf-export', failureRate: 0.5, frequency: 14, patternId: 'pat_pdf' },
            subject: 'kind:pdf-export',
          },
        ],
        readsNoFeedback,
      ),
    },
    {
      name: 'an unabsorbed skill_enhancement learning is a finding',
      ctx: {
        learnings: [
          {
            id: 'lrn_ocr',
            learningType: 'skill_enhancement',
            title: 'Learn to read scanned invoices',
            description: 'OCR fails on rotated scans; deskew before reading.',
            impactScore: 0.7,
            absorbedAt: null,
          },
        ],
      },
      ...exactly([
        {
          title: 'Learn to read scanned invoices',
          description: 'OCR fails on rotated scans; deskew before reading.',
          evidence: { learningId: 'lrn_ocr', impactScore: 0.7 },
          subject: 'learning:lrn_ocr',
        },
      ]),
    },
    {
      name: 'reports patterns first, then learnings, one subject each',
      ctx: {
        patterns: [
          { operationKind: 'ocr', failureRate: 1 },
          { operationKind: 'upload', failureRate: 0.6 },
        ],
        learnings: [{ id: 'lrn_x', learningType: 'skill_enhancement' }],
      },
      findings: [{ subject: 'kind:ocr' }, { subject: 'kind:upload' }, { subject: 'learning:lrn_x' }],
    },
  ],
});
