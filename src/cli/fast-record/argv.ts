import { BASE_FLAGS, RECORD_COMMANDS, type FlagSpec, type RecordCommandName } from '../record-commands.js';

/** A record command's line, parsed: what oclif's parser would have given the command. */
export interface RecordInvocation {
  name: RecordCommandName;
  args: Record<string, string>;
  flags: Record<string, string | string[] | true>;
}

/** oclif's `--json` (enableJsonFlag). */
const JSON_FLAG: FlagSpec = { kind: 'boolean', description: 'Format output as json.' };

/**
 * `feedback <record command> …` (argv after the binary) parsed as oclif parses it, for the shapes
 * that leave no doubt: arguments that do not start with `-`; the command's flags by their long
 * names, each with a value after it or after `=` (not empty, not starting with `-`), booleans
 * without one, none twice unless repeatable. Anything else — `--help`, an unknown, repeated or
 * short flag, `--`, a missing or extra argument, a missing required flag — is undefined: the
 * caller leaves the line to oclif, which says what it always said.
 */
export function parseRecordArgv(argv: readonly string[]): RecordInvocation | undefined {
  const [topic, name, ...rest] = argv;
  if (topic !== 'feedback' || name === undefined || !Object.hasOwn(RECORD_COMMANDS, name)) return undefined;
  const command = RECORD_COMMANDS[name as RecordCommandName];
  const specs: Readonly<Record<string, FlagSpec>> = { ...command.flags, ...BASE_FLAGS, json: JSON_FLAG };
  const argNames = Object.keys(command.args);
  const values: string[] = [];
  const flags: RecordInvocation['flags'] = {};
  for (let at = 0; at < rest.length; at++) {
    const token = rest[at]!;
    if (!token.startsWith('-')) {
      if (token === '' || values.length === argNames.length) return undefined;
      values.push(token);
      continue;
    }
    const equals = token.indexOf('=');
    const flag = token.slice(2, equals === -1 ? undefined : equals);
    if (!token.startsWith('--') || !Object.hasOwn(specs, flag)) return undefined;
    const spec = specs[flag]!;
    const given = flags[flag];
    if (spec.kind === 'boolean') {
      if (equals !== -1 || given !== undefined) return undefined;
      flags[flag] = true;
      continue;
    }
    const value = equals === -1 ? rest[++at] : token.slice(equals + 1);
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    if (spec.multiple) flags[flag] = [...(Array.isArray(given) ? given : []), value];
    else if (given === undefined) flags[flag] = value;
    else return undefined;
  }
  if (values.length !== argNames.length) return undefined;
  for (const [flag, spec] of Object.entries(specs)) {
    if (flags[flag] !== undefined) continue;
    if (spec.required) return undefined;
    if (spec.default !== undefined) flags[flag] = spec.default;
  }
  const args = Object.fromEntries(argNames.map((arg, i) => [arg, values[i]!]));
  return { name: name as RecordCommandName, args, flags };
}
