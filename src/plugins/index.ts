import { API_VERSION, definePlugin } from '../core/sdk/index.js';
import capabilityGap from './detectors/capability-gap.js';
import errorPattern from './detectors/error-pattern.js';
import guardianCommand from './detectors/guardian-command.js';
import guardianFeedback from './detectors/guardian-feedback.js';
import npmAudit from './detectors/npm-audit.js';
import performanceDegradation from './detectors/performance-degradation.js';
import qualityIssues from './detectors/quality-issues.js';
import resourceInefficiency from './detectors/resource-inefficiency.js';
import securityFeedback from './detectors/security-feedback.js';
import successRateDecline from './detectors/success-rate-decline.js';
import toolUpgrade from './detectors/tool-upgrade.js';
import trainingNeeded from './detectors/training-needed.js';
import errorAvoidance from './generators/error-avoidance.js';
import optimization from './generators/optimization.js';
import patternRecognition from './generators/pattern-recognition.js';
import positiveReinforcement from './generators/positive-reinforcement.js';
import skillEnhancement from './generators/skill-enhancement.js';
import configuredCommand from './strategies/configured-command.js';
import dependencyUpgrade from './strategies/dependency-upgrade.js';
import learnings from './strategies/learnings.js';
import paramTuning from './strategies/param-tuning.js';

/** kv1nt's own plugin: written against the public SDK only, exactly like a third party's. */
export default definePlugin({
  apiVersion: API_VERSION,
  name: 'kv1nt-builtin',
  detectors: [
    successRateDecline,
    performanceDegradation,
    qualityIssues,
    toolUpgrade,
    resourceInefficiency,
    errorPattern,
    capabilityGap,
    trainingNeeded,
    guardianFeedback,
    guardianCommand,
    securityFeedback,
    npmAudit,
  ],
  learningGenerators: [
    errorAvoidance,
    skillEnhancement,
    positiveReinforcement,
    optimization,
    patternRecognition,
  ],
  strategies: [paramTuning, learnings, dependencyUpgrade, configuredCommand],
});
