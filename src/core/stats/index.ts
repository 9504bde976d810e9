/** Statistical tests and estimators used by the analysis and the verification of changes. */
export { fisherExact, type FisherExactResult } from './fisher-exact.js';
export { mannWhitneyBinned, type Histogram, type MannWhitneyResult } from './mann-whitney.js';
export { mannKendall, MANN_KENDALL_EXACT_MAX, type MannKendallResult } from './mann-kendall.js';
export { theilSen, type TheilSenFit } from './theil-sen.js';
export { normalTwoSidedP, normalUpperTail } from './normal.js';
export { holmAdjust } from './holm.js';
