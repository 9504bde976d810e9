import fs from 'node:fs';
import path from 'node:path';
import { defineDetector, type Severity } from '../../core/sdk/index.js';

interface AuditReport {
  metadata?: {
    vulnerabilities?: Partial<Record<'info' | 'low' | 'moderate' | 'high' | 'critical' | 'total', number>>;
  };
  vulnerabilities?: Record<string, { severity?: string; via?: unknown[] }>;
}

/** security_vulnerability from `npm audit --json` in an npm agent's folder (one with a lockfile). */
export default defineDetector({
  id: 'kv1nt/npm-audit',
  type: 'security_vulnerability',
  description: 'Vulnerabilities reported by npm audit for agents with a package-lock.json.',
  async detect(ctx) {
    const { agent } = ctx;
    if (!agent.path || !fs.existsSync(path.join(agent.path, 'package-lock.json'))) return [];
    const result = await ctx.run('npm', ['audit', '--json'], {
      timeoutMs: ctx.config.thresholds.toolTimeoutMs,
    });
    let report: AuditReport;
    try {
      report = JSON.parse(result.stdout) as AuditReport;
    } catch {
      throw new Error(
        `npm audit gave no report (${result.error ?? (result.timedOut ? 'timed out' : `exit ${result.exitCode}`)}); is the registry reachable?`,
      );
    }
    const counts = report.metadata?.vulnerabilities;
    if (!counts)
      throw new Error(
        `npm audit failed: ${result.stderr.trim().slice(-300) || 'no vulnerability metadata in its report'}`,
      );
    const total = (counts.low ?? 0) + (counts.moderate ?? 0) + (counts.high ?? 0) + (counts.critical ?? 0);
    if (total === 0) return [];
    const severity: Severity =
      (counts.critical ?? 0) + (counts.high ?? 0) > 0
        ? 'CRITICAL'
        : (counts.moderate ?? 0) > 0
          ? 'HIGH'
          : 'MEDIUM';
    const packages = Object.entries(report.vulnerabilities ?? {}).map(([name, v]) => ({
      name,
      severity: v.severity ?? 'unknown',
    }));
    return [
      {
        title: `npm audit: ${total} vulnerable package(s)`,
        description: `npm audit reports ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ${counts.moderate ?? 0} moderate and ${counts.low ?? 0} low vulnerabilities: ${packages
          .slice(0, 8)
          .map((p) => `${p.name} (${p.severity})`)
          .join(', ')}.`,
        severity,
        evidence: { counts, packages },
        subject: 'npm-audit',
      },
    ];
  },
});
