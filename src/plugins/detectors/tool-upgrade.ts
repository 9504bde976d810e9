import fs from 'node:fs';
import path from 'node:path';
import { defineDetector, type Finding } from '../../core/sdk/index.js';

interface OutdatedEntry {
  current?: string;
  wanted?: string;
  latest?: string;
  type?: string;
}

/**
 * One finding per declared npm dependency with a newer version, from `npm outdated --json` in the
 * agent folder (so the registry of the agent's own .npmrc is used). A registry that cannot be
 * reached makes a warning, and earlier findings stay open; so does an agent whose dependencies are
 * not installed (no node_modules), with the hint to run npm install.
 */
export default defineDetector({
  id: 'kv1nt/tool-upgrade',
  type: 'tool_upgrade',
  description: "Declared npm dependencies with newer versions (npm outdated in the agent's folder).",
  async detect(ctx) {
    const { agent } = ctx;
    if (!agent.path || !fs.existsSync(path.join(agent.path, 'package.json'))) return [];
    const manifest = JSON.parse(fs.readFileSync(path.join(agent.path, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    const declared = {
      ...manifest.dependencies,
      ...manifest.devDependencies,
      ...manifest.optionalDependencies,
    };
    if (Object.keys(declared).length === 0) return [];
    // A fresh clone: npm can only compare declared ranges, and the user sees no finding and no reason.
    if (!fs.existsSync(path.join(agent.path, 'node_modules')))
      ctx.warn(
        `the dependencies of the agent are not installed (no node_modules in ${agent.path}): run \`npm install\` there, so that tool_upgrade compares what is installed with the latest versions`,
      );
    // npm outdated exits 1 when something is outdated: the JSON on stdout is what counts.
    const result = await ctx.run('npm', ['outdated', '--json', '--long'], {
      timeoutMs: ctx.config.thresholds.toolTimeoutMs,
    });
    let outdated: Record<string, OutdatedEntry | OutdatedEntry[]>;
    try {
      // Nothing outdated: exit 0 and no output. Exit 1 and no output: npm itself failed.
      if (result.stdout.trim() === '' && (result.exitCode !== 0 || result.error))
        throw new Error('no output');
      outdated = JSON.parse(result.stdout.trim() || '{}') as typeof outdated;
    } catch {
      throw new Error(
        `npm outdated gave no report (${result.error ?? (result.timedOut ? 'timed out' : `exit ${result.exitCode}`)}): ${result.stderr.trim().slice(-300)}`,
      );
    }
    // npm reports its own failures as {"error": {code, summary}}; a package named "error" has a "latest".
    const npmError = outdated.error as (OutdatedEntry & { code?: string; summary?: string }) | undefined;
    if (
      npmError &&
      !Array.isArray(npmError) &&
      npmError.latest === undefined &&
      (npmError.code !== undefined || npmError.summary !== undefined)
    ) {
      throw new Error(`npm outdated failed: ${JSON.stringify(npmError).slice(0, 300)}`);
    }
    const findings: Finding[] = [];
    for (const [name, value] of Object.entries(outdated)) {
      const entry = Array.isArray(value) ? value[0] : value;
      if (!entry?.latest || entry.current === entry.latest || !Object.hasOwn(declared, name)) continue;
      findings.push({
        title: `${name} ${entry.current ?? '(not installed)'} → ${entry.latest}`,
        description: `The agent declares ${name}@${declared[name]}; ${entry.current ? `${entry.current} is installed` : 'it is not installed'}, the latest is ${entry.latest}${entry.wanted && entry.wanted !== entry.latest ? ` (${entry.wanted} within the declared range)` : ''}.`,
        evidence: {
          package: name,
          declared: declared[name],
          current: entry.current ?? null,
          wanted: entry.wanted ?? null,
          latest: entry.latest,
          dependencyType: entry.type ?? null,
        },
        subject: name,
      });
    }
    return findings;
  },
});
