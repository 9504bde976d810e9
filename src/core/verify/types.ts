import type { Kv1ntConfig } from '../config/schema.js';
import { durationMs } from '../duration.js';

import type {
  SideSummary,
  TriedAction,
  Verification,
  VerificationStatus,
  VerificationTest,
} from '../model/verifications.js';

export type { SideSummary, TriedAction, Verification, VerificationStatus, VerificationTest };

export interface VerifyConfig {
  minEntries: number;
  maxWaitMs: number;
  alpha: number;
  onRegression: 'rollback' | 'report';
}

export const VERIFY_DEFAULTS = {
  minEntries: 30,
  maxWait: '7d',
  alpha: 0.05,
  onRegression: 'rollback',
} as const;

export function verifyConfigOf(config: Kv1ntConfig): VerifyConfig {
  const verify = config.verify ?? {};
  return {
    minEntries: verify.minEntries ?? VERIFY_DEFAULTS.minEntries,
    maxWaitMs: durationMs(verify.maxWait ?? VERIFY_DEFAULTS.maxWait)!,
    alpha: verify.alpha ?? VERIFY_DEFAULTS.alpha,
    onRegression: verify.onRegression ?? VERIFY_DEFAULTS.onRegression,
  };
}
