/** The feedback store's rows: the patterns found in the feedback and the learnings drawn from them. */
import type { LearningInfo, PatternInfo } from '../sdk/types.js';

export interface StoredPattern extends PatternInfo {
  status: 'active' | 'inactive';
  fingerprintVersion: number;
  createdAt: string;
  updatedAt: string;
}

/** A stored learning: what generators produce, with its id, pattern and dates (see LearningInfo). */
export type StoredLearning = LearningInfo;
