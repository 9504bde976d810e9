import fs from 'node:fs';
import path from 'node:path';
import { defineStrategy, type ApplyContext } from '../../core/sdk/index.js';
import { resolveInside } from './sandbox-file.js';

/**
 * Upgrades outdated npm dependencies (`tool_upgrade` opportunities) to their latest versions, as
 * npm-check-updates does: the new ranges are written into package.json, then ONE `npm install`
 * moves package-lock.json and node_modules with them — for one action (apply) or for a whole
 * batch of them (applyBatch). A dependency stays in its section and keeps its range style (^, ~
 * or exact).
 */

/** npm's rule for package names (lower case, optional scope), minus a leading `-`: never an option. */
const PACKAGE_NAME = /^(?:@[a-z0-9~][a-z0-9-._~]*\/)?[a-z0-9~][a-z0-9-._~]*$/;
const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** npm install can take a while: this many times `thresholds.toolTimeoutMs` (default 8 s → 2 min). */
export const INSTALL_TIMEOUT_FACTOR = 15;

type Section = 'dependencies' | 'devDependencies' | 'optionalDependencies' | 'peerDependencies';
const SECTIONS: readonly Section[] = [
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'peerDependencies',
];

/**
 * npm install as `npm-check-updates --doctor` runs it, offline-first: a package the npm cache
 * holds is not fetched again (the detector's `npm outdated` has just filled the cache with the
 * packuments; a batch, then its bisection, reinstall the same tarballs).
 */
export const INSTALL_ARGS = ['install', '--prefer-offline', '--no-audit', '--no-fund'] as const;

/** [major, minor, patch] of a version or of the version a range starts from (`^1.2.3`, `~1.2`). */
export function parseVersion(spec: string | null | undefined): [number, number, number] | null {
  const match = /^\s*(?:[~^]|>=|=)?\s*v?(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?/.exec(spec ?? '');
  if (!match) return null;
  const part = (text: string | undefined) => (text === undefined || !/^\d+$/.test(text) ? 0 : Number(text));
  return [Number(match[1]), part(match[2]), part(match[3])];
}

/**
 * True when `to` may break code written for `from`, by semver's rule as npm's caret applies it:
 * the major changes, or for 0.x the minor (and for 0.0.x the patch). Unknown versions count as
 * breaking.
 */
export function isBreaking(from: string | null | undefined, to: string): boolean {
  const a = parseVersion(from);
  const b = parseVersion(to);
  if (!a || !b) return true;
  if (a[0] !== b[0]) return true;
  if (a[0] === 0 && a[1] !== b[1]) return true;
  return a[0] === 0 && a[1] === 0 && a[2] !== b[2];
}

/** The range written for `latest` that keeps the style of `declared`: exact, `~` or `^` (others: npm's default `^`). */
export function upgradedRange(declared: string | null | undefined, latest: string): string {
  const spec = (declared ?? '').trim();
  if (VERSION.test(spec) || /^=\s*\d/.test(spec)) return latest;
  if (spec.startsWith('~')) return `~${latest}`;
  return `^${latest}`;
}

/** The manifest section that declares `pkg` in the sandbox; the detector's report is the fallback. */
function sectionOf(manifest: Record<string, unknown>, pkg: string, reported: unknown): Section {
  // npm lets optionalDependencies override dependencies, and a peer is usually also a dev dependency.
  const order: Section[] = ['optionalDependencies', 'devDependencies', 'dependencies', 'peerDependencies'];
  for (const section of order) {
    const deps = manifest[section];
    if (deps && typeof deps === 'object' && Object.hasOwn(deps, pkg)) return section;
  }
  return typeof reported === 'string' && (SECTIONS as readonly string[]).includes(reported)
    ? (reported as Section)
    : 'dependencies';
}

function tail(text: string, chars = 1500): string {
  const trimmed = text.trim();
  return trimmed.length > chars ? `…${trimmed.slice(-chars)}` : trimmed;
}

interface Upgrade {
  pkg: string;
  latest: string;
  reportedSection: unknown;
}

/** The upgrade an action asks for, checked: never an option or a path handed to npm. */
function upgradeOf(action: Readonly<Record<string, unknown>>): Upgrade {
  const pkg = action.package;
  const latest = action.to;
  if (typeof pkg !== 'string' || !PACKAGE_NAME.test(pkg)) {
    throw new Error(`Not an npm package name: ${JSON.stringify(pkg)}.`);
  }
  if (typeof latest !== 'string' || !VERSION.test(latest)) {
    throw new Error(`Not a version to install: ${JSON.stringify(latest)}.`);
  }
  return { pkg, latest: latest.replace(/^v/, ''), reportedSection: action.dependencyType };
}

/** Writes every upgrade's range into the sandbox's package.json, keeping its indentation. */
function rewriteManifest(sandboxDir: string, upgrades: readonly Upgrade[]): void {
  const manifestFile = resolveInside(sandboxDir, 'package.json', 'package.json');
  const text = fs.readFileSync(manifestFile, 'utf8');
  const manifest = JSON.parse(text) as Record<string, unknown>;
  for (const { pkg, latest, reportedSection } of upgrades) {
    const section = sectionOf(manifest, pkg, reportedSection);
    const deps = (manifest[section] ??= {}) as Record<string, string>;
    deps[pkg] = upgradedRange(deps[pkg], latest);
  }
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? 2;
  fs.writeFileSync(
    manifestFile,
    `${JSON.stringify(manifest, null, indent)}${text.endsWith('\n') ? '\n' : ''}`,
  );
}

/** The upgrades' new ranges in package.json, then one npm install; every installed version checked. */
async function install(upgrades: readonly Upgrade[], sandboxDir: string, ctx: ApplyContext): Promise<void> {
  rewriteManifest(sandboxDir, upgrades);
  const timeoutMs = ctx.config.thresholds.toolTimeoutMs * INSTALL_TIMEOUT_FACTOR;
  const what = upgrades.map((u) => `${u.pkg}@${u.latest}`).join(' ');
  let result = await ctx.run('npm', [...INSTALL_ARGS], { timeoutMs, cwd: sandboxDir });
  // A packument cached before the release lacks the version: offline-first gives up there, ask the registry.
  if (result.exitCode !== 0 && !result.timedOut && /ETARGET|notarget/i.test(result.stderr + result.stdout))
    result = await ctx.run(
      'npm',
      INSTALL_ARGS.map((arg) => (arg === '--prefer-offline' ? '--prefer-online' : arg)),
      { timeoutMs, cwd: sandboxDir },
    );
  if (result.error || result.timedOut || result.exitCode !== 0) {
    const why =
      result.error ?? (result.timedOut ? `timed out after ${timeoutMs} ms` : `exit ${result.exitCode}`);
    throw new Error(`npm install (${what}) failed (${why}): ${tail(result.stderr || result.stdout)}`);
  }
  // npm may exit 0 and still leave another version (an override, a workspace hoist): check.
  for (const { pkg, latest } of upgrades) {
    const installed = path.join('node_modules', ...pkg.split('/'), 'package.json');
    let version: unknown;
    try {
      version = (
        JSON.parse(
          fs.readFileSync(resolveInside(sandboxDir, installed, 'The installed package'), 'utf8'),
        ) as {
          version?: unknown;
        }
      ).version;
    } catch (error) {
      throw new Error(`npm install finished but ${installed} cannot be read: ${(error as Error).message}`);
    }
    if (version !== latest) {
      throw new Error(`npm install finished but ${pkg} ${String(version)} is installed, not ${latest}.`);
    }
  }
}

/** The version of `pkg` installed in `root`'s node_modules, or null. */
function installedVersion(root: string, pkg: string): string | null {
  try {
    const file = resolveInside(root, path.join('node_modules', ...pkg.split('/'), 'package.json'), 'package');
    const version = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

export default defineStrategy({
  id: 'kv1nt/dependency-upgrade',
  handles: ['tool_upgrade'],
  plan(opportunity, ctx) {
    const evidence = opportunity.evidence;
    const pkg = evidence.package;
    const latest = evidence.latest;
    if (!ctx.agent.path) return [];
    if (
      typeof pkg !== 'string' ||
      !PACKAGE_NAME.test(pkg) ||
      typeof latest !== 'string' ||
      !VERSION.test(latest)
    ) {
      ctx.warn(
        `tool_upgrade ${opportunity.id}: cannot upgrade ${JSON.stringify(pkg)} to ${JSON.stringify(latest)} (not an npm package name and version).`,
      );
      return [];
    }
    const current = typeof evidence.current === 'string' ? evidence.current : null;
    const declared = typeof evidence.declared === 'string' ? evidence.declared : null;
    const from = current ?? declared;
    // Planning is idempotent: an upgrade already in place (kept a moment ago) is not proposed.
    if (installedVersion(ctx.agent.path, pkg) === latest.replace(/^v/, '')) return [];
    const breaking = isBreaking(from, latest);
    return [
      {
        type: 'dependency_upgrade',
        description: `Upgrade ${pkg} from ${from ?? '(not installed)'} to ${latest}${breaking ? ' (a major version: may break)' : ''}`,
        risk: breaking ? 'medium' : 'low',
        expectedChange: `package.json, package-lock.json and node_modules: ${pkg} → ${latest}, in the same section and range style`,
        target: `dependency:${pkg}`,
        package: pkg,
        from,
        to: latest,
        dependencyType: typeof evidence.dependencyType === 'string' ? evidence.dependencyType : null,
      },
    ];
  },
  async apply(action, sandboxDir, ctx) {
    await install([upgradeOf(action)], sandboxDir, ctx);
  },
  /** A batch of upgrades costs one npm install, not one per package. */
  async applyBatch(actions, sandboxDir, ctx) {
    await install(actions.map(upgradeOf), sandboxDir, ctx);
  },
});
