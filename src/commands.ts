/**
 * Every command of the CLI, by oclif id (topics joined by ':'). package.json's `oclif.commands` uses
 * the "explicit" strategy with this object as its target (through the bundle, dist/cli.cjs), so a run
 * loads one file instead of one module per command and oclif needs no glob of dist/commands.
 * A command file added under src/commands must be listed here too (test/unit/commands.test.ts checks).
 */
import AgentsAdd from './commands/agents/add.js';
import AgentsList from './commands/agents/list.js';
import AgentsRemove from './commands/agents/remove.js';
import Analyze from './commands/analyze.js';
import Approve from './commands/approve.js';
import Cycle from './commands/cycle.js';
import History from './commands/history.js';
import Optimize from './commands/optimize.js';
import Rollback from './commands/rollback.js';
import FeedbackFailure from './commands/feedback/failure.js';
import FeedbackExport from './commands/feedback/export.js';
import FeedbackImport from './commands/feedback/import.js';
import FeedbackList from './commands/feedback/list.js';
import FeedbackQuality from './commands/feedback/quality.js';
import FeedbackRate from './commands/feedback/rate.js';
import FeedbackRecord from './commands/feedback/record.js';
import FeedbackStats from './commands/feedback/stats.js';
import FeedbackStatus from './commands/feedback/status.js';
import FeedbackSuccess from './commands/feedback/success.js';
import Health from './commands/health.js';
import Metrics from './commands/metrics.js';
import HooksInstall from './commands/hooks/install.js';
import HooksRecordTests from './commands/hooks/record-tests.js';
import HooksRun from './commands/hooks/run.js';
import HooksStatus from './commands/hooks/status.js';
import HooksUninstall from './commands/hooks/uninstall.js';
import Learnings from './commands/learnings.js';
import Opportunities from './commands/opportunities.js';
import OpportunitiesDismiss from './commands/opportunities/dismiss.js';
import Patterns from './commands/patterns.js';
import Plugins from './commands/plugins.js';
import Report from './commands/report.js';
import Prune from './commands/prune.js';
import OptimizationStats from './commands/optimization/stats.js';
import OptimizationStatus from './commands/optimization/status.js';
import Run from './commands/run.js';
import Stats from './commands/stats.js';
import Status from './commands/status.js';
import Summary from './commands/summary.js';
import Verify from './commands/verify.js';

export const COMMANDS = {
  analyze: Analyze,
  approve: Approve,
  cycle: Cycle,
  history: History,
  optimize: Optimize,
  rollback: Rollback,
  health: Health,
  metrics: Metrics,
  learnings: Learnings,
  opportunities: Opportunities,
  'opportunities:dismiss': OpportunitiesDismiss,
  patterns: Patterns,
  plugins: Plugins,
  report: Report,
  prune: Prune,
  run: Run,
  stats: Stats,
  status: Status,
  summary: Summary,
  verify: Verify,
  'agents:add': AgentsAdd,
  'agents:list': AgentsList,
  'agents:remove': AgentsRemove,
  'feedback:failure': FeedbackFailure,
  'hooks:install': HooksInstall,
  'hooks:record-tests': HooksRecordTests,
  'hooks:run': HooksRun,
  'hooks:status': HooksStatus,
  'hooks:uninstall': HooksUninstall,
  'feedback:export': FeedbackExport,
  'feedback:import': FeedbackImport,
  'feedback:list': FeedbackList,
  'feedback:quality': FeedbackQuality,
  'feedback:rate': FeedbackRate,
  'feedback:record': FeedbackRecord,
  'feedback:stats': FeedbackStats,
  'feedback:status': FeedbackStatus,
  'feedback:success': FeedbackSuccess,
  'optimization:stats': OptimizationStats,
  'optimization:status': OptimizationStatus,
};
