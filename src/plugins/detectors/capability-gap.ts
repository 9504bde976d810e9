import { defineDetector, type Finding } from '../../core/sdk/index.js';

/**
 * A kind of operation the agent keeps failing or declining, from the stored patterns (a pattern
 * that names an `operationKind` with a failure rate of at least one half) and from unabsorbed
 * skill_enhancement learnings.
 */
export default defineDetector({
  id: 'kv1nt/capability-gap',
  type: 'capability_gap',
  description:
    'A kind of operation that mostly fails (from patterns), or a skill_enhancement learning not yet absorbed.',
  detect({ patterns, learnings }) {
    const findings: Finding[] = [];
    for (const pattern of patterns) {
      const kind = pattern.operationKind;
      const rate = pattern.failureRate;
      if (
        // A success pattern carries its kind's failure rate too; it is not a gap.
        pattern.patternType === 'success' ||
        typeof kind !== 'string' ||
        typeof rate !== 'number' ||
        rate < 0.5 ||
        pattern.status === 'inactive'
      )
        continue;
      findings.push({
        title: `The agent keeps failing "${kind}" operations`,
        description: `${Math.round(rate * 100)} % of "${kind}" operations fail (${pattern.frequency} seen, last ${pattern.lastSeen}).`,
        evidence: {
          operationKind: kind,
          failureRate: rate,
          frequency: pattern.frequency,
          patternId: pattern.id,
        },
        subject: `kind:${kind}`,
      });
    }
    const reported = new Set(findings.map((finding) => finding.evidence?.patternId));
    for (const learning of learnings) {
      // A learning drawn from a gap already reported above is the same gap.
      if (
        learning.learningType !== 'skill_enhancement' ||
        learning.absorbedAt ||
        reported.has(learning.patternId)
      )
        continue;
      findings.push({
        title: learning.title,
        description: learning.description,
        evidence: { learningId: learning.id, impactScore: learning.impactScore },
        subject: `learning:${learning.id}`,
      });
    }
    return findings;
  },
});
