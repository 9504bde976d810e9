import * as v from 'valibot';
import { durationMs } from '../duration.js';
import { AGENT_ID_PATTERN } from '../ids.js';
import { OPPORTUNITY_TYPES } from '../sdk/types.js';

/**
 * The config file's schema. Unknown keys are errors (strict objects) so a typo never passes as
 * "no setting". `kv1ntrc.schema.json` is generated from this at build, descriptions included.
 */
import { AgentConfigSchema, type ParamSchema } from './agent-schema.js';
import { HooksSchema } from './hooks-schema.js';
import {
  MAX_TOOL_TIMEOUT_MS,
  bounded,
  count,
  healthScore,
  nonEmpty,
  positiveInt,
  timerMs,
} from './fields.js';

export { AgentConfigSchema, ParamSchema } from './agent-schema.js';
export { HooksSchema } from './hooks-schema.js';
export { MAX_TIMER_MS } from './fields.js';

/** Each threshold is bounded to the range where it means something (a score 0–1, a percentage 0–100). */
export const ThresholdsSchema = v.pipe(
  v.strictObject({
    successRateDropPoints: bounded(
      'successRateDropPoints',
      'success_rate_decline: drop in percentage points against the previous window, 0–100 (default 5).',
      0,
      100,
    ),
    successRateMinSamples: count(
      'successRateMinSamples',
      'success_rate_decline: successes + failures needed in each window to compare (default 10).',
      1,
    ),
    qualityMin: bounded(
      'qualityMin',
      'quality_issues: mean quality_score under this, 0–1 (default 0.8).',
      0,
      1,
    ),
    memoryMbMax: bounded(
      'memoryMbMax',
      'resource_inefficiency: p95 of memoryMb above this (default 500).',
      0,
      Number.MAX_VALUE,
    ),
    cpuPercentMax: bounded(
      'cpuPercentMax',
      'resource_inefficiency: p95 of cpuPercent above this; over 100 counts several cores (default 80).',
      0,
      Number.MAX_VALUE,
    ),
    errorPatternMinCount: count(
      'errorPatternMinCount',
      'error_pattern: occurrences of one error type or pattern (default 3).',
      1,
    ),
    guardianScoreMin: bounded(
      'guardianScoreMin',
      'code_smell: mean score of guardian feedback under this, 0–1 (default 0.8).',
      0,
      1,
    ),
    securityScoreMin: bounded(
      'securityScoreMin',
      'security_vulnerability: a security score under this, 0–1 (default 0.7).',
      0,
      1,
    ),
    toolTimeoutMs: v.optional(
      v.pipe(
        timerMs('toolTimeoutMs', MAX_TOOL_TIMEOUT_MS),
        v.description(
          `Time limit of npm outdated / npm audit / the guardian command, in ms (default 8000; a fixer or npm install gets 15 times this, so at most ${MAX_TOOL_TIMEOUT_MS}).`,
        ),
      ),
    ),
    trendMinDays: count(
      'trendMinDays',
      'Days with a health score needed before a trend is given, 2–3650 (default 3); trend.minDays takes precedence.',
      2,
      3650,
    ),
    trendDeadBand: bounded(
      'trendDeadBand',
      'No longer used: the trend is decided by a significance test (see `trend`). Still accepted so that older configs load (0–100).',
      0,
      100,
    ),
  }),
  v.description('Detector and trend thresholds; each optional, with the defaults shown.'),
);

export const TrendSchema = v.pipe(
  v.strictObject({
    alpha: v.optional(
      v.pipe(
        v.number('alpha must be a number'),
        v.gtValue(0, 'alpha must be above 0'),
        v.maxValue(0.5, 'alpha must be at most 0.5'),
        v.description('Significance level of the Mann–Kendall test, in (0, 0.5] (default 0.05).'),
      ),
    ),
    minChange: bounded(
      'minChange',
      'Smallest fitted change over the window, in health points (0–100), that counts as improving or declining (default 5).',
      0,
      100,
    ),
    minDays: v.optional(
      v.pipe(
        v.number('minDays must be a number'),
        v.integer('minDays must be a whole number'),
        v.minValue(2, 'minDays must be at least 2'),
        v.maxValue(3650, 'minDays must be at most 3650'),
        v.description(
          'Days with a health score needed before a trend is given (default thresholds.trendMinDays, else 3).',
        ),
      ),
    ),
  }),
  v.description(
    'How healthTrend is decided: declining or improving when the Mann–Kendall test is significant at alpha and the Theil–Sen change over the window is at least minChange points. See docs/how-kv1nt-decides.md.',
  ),
);

export const PatternsSchema = v.pipe(
  v.strictObject({
    days: bounded(
      'days',
      'Lookback window of pattern detection in days, up to 3650 (default 7).',
      0.001,
      3650,
    ),
    minFrequency: count('minFrequency', 'Occurrences a pattern needs (default 3).', 1),
    minConfidence: bounded('minConfidence', 'Confidence a pattern needs, 0–1 (default 0.6).', 0, 1),
  }),
  v.description('Defaults of `kv1nt patterns`; the command-line flags override them.'),
);

export const VerifySchema = v.pipe(
  v.strictObject({
    minEntries: v.optional(
      v.pipe(
        positiveInt('minEntries'),
        v.description('Feedback entries recorded after a kept change before it is judged (default 30).'),
      ),
    ),
    maxWait: v.optional(
      v.pipe(
        nonEmpty('maxWait'),
        v.check((text) => durationMs(text) !== null, 'maxWait must be a duration like 12h, 7d or 2d12h'),
        v.description('How long to wait for minEntries; then the verdict is inconclusive (default "7d").'),
      ),
    ),
    alpha: v.optional(
      v.pipe(
        v.number('alpha must be a number'),
        v.gtValue(0, 'alpha must be above 0'),
        v.maxValue(0.5, 'alpha must be at most 0.5'),
        v.description('Significance level of the tests (default 0.05).'),
      ),
    ),
    onRegression: v.optional(
      v.pipe(
        v.picklist(['rollback', 'report'], 'onRegression is "rollback" or "report"'),
        v.description(
          'What a regressed change gets: "rollback" undoes it through its journal (default), "report" only reports it.',
        ),
      ),
    ),
  }),
  v.description(
    'The closed loop: how each kept change is verified against the feedback that follows it (docs/how-kv1nt-decides.md).',
  ),
);

export const ActionsSchema = v.pipe(
  v.record(
    v.picklist(OPPORTUNITY_TYPES, `an actions key is an opportunity type: ${OPPORTUNITY_TYPES.join(', ')}`),
    v.pipe(nonEmpty('an action command'), v.description('Shell command run with sh -c in the sandbox.')),
  ),
  v.description(
    'Commands run by `kv1nt optimize` for an opportunity type, in a sandbox copy of the agent folder (sh -c, time limit 15 × thresholds.toolTimeoutMs); the change is kept only when the agent\'s tests pass. E.g. {"code_smell": "npx eslint --fix ."}.',
  ),
);

export const ConfigSchema = v.strictObject({
  $schema: v.optional(
    v.pipe(v.string(), v.description('JSON Schema reference for editors; ignored by kv1nt.')),
  ),
  dataDir: v.optional(
    v.pipe(
      nonEmpty('dataDir'),
      v.description(
        'Folder of the stores, relative to this file. --data-dir and KV1NT_HOME take precedence; default ~/.kv1nt.',
      ),
    ),
  ),
  agents: v.optional(
    v.pipe(
      v.record(
        v.pipe(
          v.string(),
          v.regex(
            AGENT_ID_PATTERN,
            'an agent id is 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit',
          ),
        ),
        AgentConfigSchema,
      ),
      v.description('Agents by id.'),
    ),
  ),
  approval: v.optional(
    v.pipe(
      v.strictObject({
        command: v.pipe(
          nonEmpty('command'),
          v.description(
            'Shell command that decides on HIGH/CRITICAL actions: it gets the plan as JSON on stdin; exit 0 approves.',
          ),
        ),
        timeoutMs: v.optional(
          v.pipe(
            timerMs('timeoutMs'),
            v.description('Time limit of the approval command in ms (default 60000).'),
          ),
        ),
      }),
      v.description('How `kv1nt optimize` gets approval without --yes or a terminal.'),
    ),
  ),
  optimizeBelow: healthScore(
    'optimizeBelow',
    '`kv1nt cycle` optimizes an agent whose health is under this (default 80).',
  ),
  autoPolicy: v.optional(
    v.pipe(
      v.strictObject({
        comprehensiveBelow: healthScore(
          'comprehensiveBelow',
          '`auto` picks comprehensive under this health (default 50).',
        ),
        conservativeBelow: healthScore(
          'conservativeBelow',
          '`auto` picks conservative under this health, minimal from it (default 80).',
        ),
      }),
      v.check(
        (auto) => (auto.comprehensiveBelow ?? 50) <= (auto.conservativeBelow ?? 80),
        'comprehensiveBelow must not be above conservativeBelow',
      ),
      v.description('How the `auto` strategy picks a policy from the health score.'),
    ),
  ),
  thresholds: v.optional(ThresholdsSchema),
  verify: v.optional(VerifySchema),
  maxTestRuns: v.optional(
    v.pipe(
      positiveInt('maxTestRuns'),
      v.maxValue(50, 'maxTestRuns must be at most 50'),
      v.description(
        'Test runs one action may use to search for a value (param tuning: step out, then bisect), shown in the plan before approval (default 6).',
      ),
    ),
  ),
  trend: v.optional(TrendSchema),
  actions: v.optional(ActionsSchema),
  patterns: v.optional(PatternsSchema),
  retention: v.optional(
    v.pipe(
      v.strictObject({
        days: count(
          'days',
          'Feedback entries older than this many days are deleted at each `kv1nt cycle`, 1–36500 (the last 24 hours are always kept).',
          1,
          36500,
        ),
      }),
      v.description(
        'How long feedback is kept; like `kv1nt prune --older-than <days>d`, applied by `kv1nt cycle`.',
      ),
    ),
  ),
  hooks: v.optional(HooksSchema),
  pluginTimeoutMs: v.optional(
    v.pipe(
      timerMs('pluginTimeoutMs'),
      v.description(
        'Time limit of one plugin call (detect, generate, plan or apply), in ms (default 10000).',
      ),
    ),
  ),
  pluginTimeouts: v.optional(
    v.pipe(
      v.record(v.string(), timerMs('pluginTimeouts.<plugin>')),
      v.description(
        'Time limits of one call of a plugin (detect, generate, plan, apply) by plugin name, in ms; overrides pluginTimeoutMs for that plugin.',
      ),
    ),
  ),
  pluginOptions: v.optional(
    v.pipe(
      v.record(v.string(), v.record(v.string(), v.unknown())),
      v.description(
        "Options of each plugin by plugin name (an object each): its components read them as ctx.options. What they mean is the plugin's to document.",
      ),
    ),
  ),
  plugins: v.optional(
    v.pipe(
      v.array(nonEmpty('plugins[]')),
      v.description(
        'Plugin modules to load: paths (relative to this config file) or package names (resolved from its folder). See docs/plugins.md.',
      ),
    ),
  ),
  plugin: v.optional(
    v.pipe(
      nonEmpty('plugin'),
      v.description(
        'In a plugin package\'s package.json: its plugin module (`"kv1nt": {"plugin": "./index.js"}`). kv1nt run inside that package loads it too.',
      ),
    ),
  ),
});

export type Kv1ntConfig = v.InferOutput<typeof ConfigSchema>;
export type AgentConfig = v.InferOutput<typeof AgentConfigSchema>;
export type HooksConfig = v.InferOutput<typeof HooksSchema>;
export type ParamConfig = v.InferOutput<typeof ParamSchema>;
