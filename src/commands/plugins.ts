import { Kv1ntCommand } from '../cli/base-command.js';
import { table } from '../cli/render.js';
import type { PluginInfo, PluginWarning } from '../core/index.js';

export interface PluginsReport {
  /**
   * Every kv1nt plugin in use: the built-ins, installed, linked and configured ones. `name` is the
   * plugin's own (pluginOptions, pluginTimeouts, warnings); `package`, for an installed or linked
   * one, is what `kv1nt plugins uninstall` takes.
   */
  plugins: Array<PluginInfo & { commands: string[] }>;
  /** oclif plugins installed or linked that add commands only (no `"kv1nt": {"plugin"}`); `name` is their package's. */
  commandPlugins: Array<{ name: string; source: string; version: string | null; commands: string[] }>;
  /** Plugins that could not be loaded or were refused. */
  warnings: PluginWarning[];
}

/**
 * Replaces oclif's own `plugins` listing (a command of the root plugin wins over a core plugin's of
 * the same id); `plugins install|link|uninstall|update|inspect|reset` stay oclif's.
 */
export default class Plugins extends Kv1ntCommand {
  static override summary =
    'List the kv1nt plugins in use, with their source, version and what they provide.';
  static override description = `Plugins come from three places: the built-ins; npm packages installed with \`kv1nt plugins install <name|folder|tarball>\` or linked with \`kv1nt plugins link <folder>\` whose package.json declares "kv1nt": {"plugin": "<module>"}; and the config's \`plugins\` array. The Package column is what \`kv1nt plugins uninstall\` takes. See docs/plugins.md for writing one.`;
  static override examples = [
    '<%= config.bin %> plugins',
    '<%= config.bin %> plugins --json',
    '<%= config.bin %> plugins link ./my-plugin',
    '<%= config.bin %> plugins install kv1nt-plugin-acme',
    '<%= config.bin %> plugins install ./kv1nt-plugin-acme-1.0.0.tgz',
    '<%= config.bin %> plugins uninstall kv1nt-plugin-acme',
  ];

  async run(): Promise<PluginsReport> {
    const { flags } = await this.parse(Plugins);
    const core = await this.openCore(flags);
    const set = await core.plugins();
    const oclifPlugins = this.config.getPluginsList();
    const commandsOf = (root: string | undefined) =>
      oclifPlugins
        .find((p) => root !== undefined && p.root === root)
        ?.commands.map((c) => c.id.split(':').join(' ')) ?? [];
    const kv1ntRoots = new Set(set.plugins.map((p) => p.location));
    const report: PluginsReport = {
      plugins: set.plugins.map((plugin) => ({
        ...plugin,
        ...(plugin.source === 'builtin' ? { version: this.config.version } : {}),
        commands: plugin.source === 'user' || plugin.source === 'link' ? commandsOf(plugin.location) : [],
      })),
      commandPlugins: oclifPlugins
        .filter((p) => (p.type === 'user' || p.type === 'link') && !kv1ntRoots.has(p.root))
        .map((p) => ({
          name: p.name,
          source: p.type,
          version: p.version ?? null,
          commands: p.commands.map((c) => c.id.split(':').join(' ')),
        })),
      warnings: set.warnings,
    };
    if (!this.jsonEnabled()) this.log(await render(report));
    return report;
  }
}

async function render(report: PluginsReport): Promise<string> {
  const provides = (p: {
    detectors?: string[];
    learningGenerators?: string[];
    strategies?: string[];
    commands: string[];
  }) =>
    [
      count(p.detectors?.length ?? 0, 'detector'),
      count(p.learningGenerators?.length ?? 0, 'learning generator'),
      count(p.strategies?.length ?? 0, 'strategy', 'strategies'),
      count(p.commands.length, 'command'),
    ]
      .filter(Boolean)
      .join(', ') || 'nothing';
  // Package: what `kv1nt plugins uninstall` takes for an installed or linked one; the entry of the
  // config for a configured one.
  const rows = [
    ...report.plugins.map((p) => [
      p.name,
      p.package ?? (p.source === 'builtin' ? null : (p.location ?? null)),
      sourceLabel(p.source, p.isolated),
      p.version ?? null,
      provides(p),
    ]),
    ...report.commandPlugins.map((p) => [
      p.name,
      p.name,
      sourceLabel(p.source, true),
      p.version,
      provides(p),
    ]),
  ];
  const lines = [await table(['Plugin', 'Package', 'Source', 'Version', 'Provides'], rows)];
  for (const p of report.plugins.filter((p) => p.source !== 'builtin')) {
    if (p.detectors.length > 0) lines.push(`${p.name} detectors: ${p.detectors.join(', ')}`);
  }
  for (const warning of report.warnings) lines.push(`! ${warning.plugin}: ${warning.error}`);
  if (rows.some((row) => row[2] === 'installed' || row[2] === 'linked'))
    lines.push('Remove an installed or linked plugin with: kv1nt plugins uninstall <Package>');
  return lines.join('\n');
}

function sourceLabel(source: string, isolated: boolean): string {
  const label = source === 'user' ? 'installed' : source === 'link' ? 'linked' : source;
  return source === 'builtin' || isolated ? label : `${label} (in-process)`;
}

function count(n: number, one: string, many = `${one}s`): string {
  return n === 0 ? '' : `${n} ${n === 1 ? one : many}`;
}
