import { defineDetector } from '../../core/sdk/index.js';

/** Learnings exist that the agent has not absorbed (not yet written into its learnings file). */
export default defineDetector({
  id: 'kv1nt/training-needed',
  type: 'training_needed',
  description: 'Stored learnings that the agent has not absorbed yet.',
  detect({ learnings }) {
    const pending = learnings.filter((learning) => !learning.absorbedAt);
    if (pending.length === 0) return [];
    const top = [...pending].sort((a, b) => b.impactScore - a.impactScore).slice(0, 5);
    return [
      {
        title: `${pending.length} learning(s) not absorbed yet`,
        description: `The agent has ${pending.length} learning(s) it has not absorbed; the most impactful: ${top.map((l) => `"${l.title}"`).join(', ')}.`,
        evidence: {
          pending: pending.length,
          learningIds: pending.map((l) => l.id),
          top: top.map((l) => ({ id: l.id, title: l.title, impactScore: l.impactScore })),
        },
      },
    ];
  },
});
