import { defineDetector } from '../../core/sdk/index.js';

interface EslintFileResult {
  filePath: string;
  errorCount: number;
  warningCount: number;
  messages: Array<{ ruleId: string | null }>;
}

/**
 * code_smell from the agent's `guardian` command (e.g. `npx eslint . -f json`): ESLint-style JSON
 * findings are counted by rule; any other command counts as a finding when it exits non-zero.
 */
export default defineDetector({
  id: 'kv1nt/guardian-command',
  type: 'code_smell',
  description: "Findings of the agent's guardian (quality) command.",
  async detect(ctx) {
    const { agent } = ctx;
    if (!agent.guardian || !agent.path) return [];
    const result = await ctx.run('sh', ['-c', agent.guardian], {
      timeoutMs: ctx.config.thresholds.toolTimeoutMs,
    });
    if (result.error || result.timedOut)
      throw new Error(
        `the guardian command "${agent.guardian}" could not run: ${result.error ?? 'timed out'}`,
      );
    const report = parseEslint(result.stdout);
    if (report) {
      const problems = report.reduce((sum, file) => sum + file.errorCount + file.warningCount, 0);
      if (problems === 0) return [];
      // A Map: rule ids come from the command's output, and `constructor` is no count.
      const rules = new Map<string, number>();
      for (const file of report)
        for (const message of file.messages) {
          const rule = message.ruleId ?? 'unknown';
          rules.set(rule, (rules.get(rule) ?? 0) + 1);
        }
      const top = [...rules].sort((a, b) => b[1] - a[1]).slice(0, 5);
      return [
        {
          title: `The guardian reports ${problems} problem(s) in ${report.filter((f) => f.errorCount + f.warningCount > 0).length} file(s)`,
          description: `\`${agent.guardian}\` found ${problems} problem(s); most frequent: ${top.map(([rule, n]) => `${rule} (${n})`).join(', ')}.`,
          evidence: {
            command: agent.guardian,
            problems,
            errors: report.reduce((s, f) => s + f.errorCount, 0),
            warnings: report.reduce((s, f) => s + f.warningCount, 0),
            topRules: Object.fromEntries(top),
          },
          subject: 'guardian-command',
        },
      ];
    }
    if (result.exitCode === 0) return [];
    return [
      {
        title: `The guardian command fails (exit ${result.exitCode})`,
        description: `\`${agent.guardian}\` exited with ${result.exitCode}: ${(result.stdout + result.stderr).trim().slice(-500)}`,
        evidence: { command: agent.guardian, exitCode: result.exitCode },
        subject: 'guardian-command',
      },
    ];
  },
});

function parseEslint(stdout: string): EslintFileResult[] | undefined {
  try {
    const parsed = JSON.parse(stdout) as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.every(
        (f) =>
          f && typeof f === 'object' && 'errorCount' in f && Array.isArray((f as EslintFileResult).messages),
      )
    ) {
      return parsed as EslintFileResult[];
    }
  } catch {
    // Not JSON: judged by its exit code.
  }
  return undefined;
}
