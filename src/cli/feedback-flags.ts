import { Args, Flags, type Interfaces } from '@oclif/core';
import type { ArgSpec, FlagSpec, RecordCommand } from './record-commands.js';

// The parsers the other commands share; they live with the record commands' input (record-input.ts).
export { inputFromFlags, parseNumber, parseObject, parsePairs } from './record-input.js';

/** oclif flags from the plain specs of record-commands.ts. */
export function oclifFlags(specs: Readonly<Record<string, FlagSpec>>): Interfaces.FlagInput {
  const flags: Interfaces.FlagInput = {};
  for (const [name, { kind, multiple, default: value, ...options }] of Object.entries(specs)) {
    if (kind === 'boolean') flags[name] = Flags.boolean(options);
    else if (multiple) flags[name] = Flags.string({ ...options, multiple: true, multipleNonGreedy: true });
    else flags[name] = Flags.string(value === undefined ? options : { ...options, default: value });
  }
  return flags;
}

/** oclif arguments (required strings) from the plain specs of record-commands.ts. */
export function oclifArgs(specs: Readonly<Record<string, ArgSpec>>): Interfaces.ArgInput {
  const args: Interfaces.ArgInput = {};
  for (const [name, spec] of Object.entries(specs))
    args[name] = Args.string({ description: spec.description, required: true });
  return args;
}

/** A record command's oclif `args` and `flags`. */
export function oclifDefinition(command: RecordCommand): {
  args: Interfaces.ArgInput;
  flags: Interfaces.FlagInput;
} {
  return { args: oclifArgs(command.args), flags: oclifFlags(command.flags) };
}
