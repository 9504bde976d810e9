/**
 * oclif hook `prerun`: before `kv1nt plugins link <path>`, checks the folder the way the
 * `plugins:preinstall` hook checks one to install (oclif's link has no hook of its own), so that a
 * package without the `"oclif"` key is refused with what to add rather than "plugin is invalid".
 * It runs before every command: anything but `plugins link` returns at once, importing nothing.
 */
interface HookContext {
  error(message: string, options?: { exit?: number }): never;
}

export default async function prerun(
  this: HookContext,
  options: { Command: { id?: string }; argv: string[] },
): Promise<void> {
  if (options.Command.id !== 'plugins:link') return;
  const input = options.argv.find((arg) => !arg.startsWith('-'));
  if (input === undefined) return;
  const { localPath, packageProblem } = await import('./local-plugin.js');
  const problem = await packageProblem(localPath(input), input);
  if (problem !== undefined) this.error(problem, { exit: 2 });
}
