/**
 * The record commands — `feedback success|failure|quality|rate|record` — as plain data: their
 * arguments, their flags, and how the parsed values become the entry to record. The oclif commands
 * are built from it (feedback-flags.ts turns the specs into oclif flags), and so is the fast path
 * that records without loading oclif (fast-record/): one definition, so the two can never drift.
 */
import { invalidInput } from '../core/errors.js';
import { FEEDBACK_SOURCES, FEEDBACK_TYPES, type FeedbackInput } from '../core/recording.js';
import { inputFromFlags, parseNumber, parsePairs, text, texts, type FlagValues } from './record-input.js';

export interface FlagSpec {
  kind: 'string' | 'boolean';
  description: string;
  /** Repeatable, one value per occurrence (`--metric a=1 --metric b=2`). */
  multiple?: true;
  required?: true;
  default?: string;
  helpGroup?: string;
}

/** Every argument of a record command is a required string. */
export interface ArgSpec {
  description: string;
}

export interface RecordCommand {
  /** In order. */
  args: Readonly<Record<string, ArgSpec>>;
  flags: Readonly<Record<string, FlagSpec>>;
  /** The entry to record, from the parsed arguments and flags; a Kv1ntError (exit 2) for bad input. */
  input(args: Readonly<Record<string, string>>, flags: FlagValues): FeedbackInput;
}

/** The flags of every kv1nt command (base-command.ts); `--json` comes with oclif's enableJsonFlag. */
export const BASE_FLAGS = {
  'data-dir': {
    kind: 'string',
    description: 'Folder of the stores. Overrides KV1NT_HOME and `dataDir` in the config.',
    helpGroup: 'GLOBAL',
  },
  config: {
    kind: 'string',
    description: 'Config file to use instead of searching for one. Overrides KV1NT_CONFIG.',
    helpGroup: 'GLOBAL',
  },
  wide: {
    kind: 'boolean',
    description: 'Print tables and lines whole instead of fitting them to the terminal width.',
    helpGroup: 'GLOBAL',
  },
} as const satisfies Record<string, FlagSpec>;

const string = (description: string, more: Partial<FlagSpec> = {}): FlagSpec => ({
  kind: 'string',
  description,
  ...more,
});

const AGENT_OPERATION = {
  agent: { description: 'Agent id' },
  operation: { description: 'Operation id (free text, 1–256 characters)' },
};

/** The flags of `feedback record` that every shortcut takes too (all but --type). */
export const ENTRY_FLAGS = {
  score: string('Score from 0 to 1 (success defaults to 1; failure is always 0).'),
  source: string(`Who reports it: ${FEEDBACK_SOURCES.join(', ')}.`, { default: 'agent' }),
  details: string('Extra data as a JSON object.'),
  'duration-ms': string('How long the operation took, in milliseconds.'),
  metric: string('A resource figure as name=value (repeatable), e.g. memoryMb=512 or cpuPercent=85.', {
    multiple: true,
  }),
  'error-type': string('Kind of error (failures), e.g. timeout.'),
  message: string('Error or note text.'),
  timestamp: string('When it happened (ISO-8601); defaults to now.'),
};

const success: RecordCommand = {
  args: AGENT_OPERATION,
  flags: ENTRY_FLAGS,
  input: (args, flags) => inputFromFlags(args.agent!, args.operation!, 'success', flags),
};

const failure: RecordCommand = {
  args: AGENT_OPERATION,
  flags: { ...ENTRY_FLAGS, 'error-type': string('Kind of error, e.g. timeout.', { required: true }) },
  input: (args, flags) => inputFromFlags(args.agent!, args.operation!, 'failure', flags),
};

const record: RecordCommand = {
  args: AGENT_OPERATION,
  flags: {
    type: string(`Entry type: ${FEEDBACK_TYPES.join(', ')}.`, { required: true }),
    rating: string('Rating from 1 to 5 (user_rating only).'),
    ...ENTRY_FLAGS,
  },
  input(args, flags) {
    const input = inputFromFlags(args.agent!, args.operation!, text(flags, 'type')!, flags);
    const rating = text(flags, 'rating');
    if (rating !== undefined) input.rating = parseNumber('--rating', rating);
    return input;
  },
};

const quality: RecordCommand = {
  args: { ...AGENT_OPERATION, score: { description: 'Quality score from 0 to 1' } },
  flags: {
    ...ENTRY_FLAGS,
    dimension: string('A per-dimension score as name=value, 0–1 (repeatable).', { multiple: true }),
  },
  input(args, flags) {
    if (text(flags, 'score') !== undefined)
      throw invalidInput('Give the score as the third argument, not with --score.');
    const input = inputFromFlags(args.agent!, args.operation!, 'quality_score', {
      ...flags,
      score: args.score,
    });
    input.score = parseNumber('score', args.score!);
    const dimension = texts(flags, 'dimension');
    if (dimension && dimension.length > 0) {
      const dimensions = parsePairs('--dimension', dimension);
      for (const [name, value] of Object.entries(dimensions)) {
        if (value < 0 || value > 1)
          throw invalidInput(
            `--dimension ${name}=${value} is out of range: a dimension score is from 0 to 1.`,
          );
      }
      input.details = { ...input.details, dimensions };
    }
    return input;
  },
};

const rate: RecordCommand = {
  args: { ...AGENT_OPERATION, rating: { description: 'Rating from 1 to 5' } },
  flags: { ...ENTRY_FLAGS, comment: string("The user's comment (kept in details.comment).") },
  input(args, flags) {
    const input = inputFromFlags(args.agent!, args.operation!, 'user_rating', flags);
    input.rating = parseNumber('rating', args.rating!);
    const comment = text(flags, 'comment');
    if (comment !== undefined) input.details = { ...input.details, comment };
    return input;
  },
};

/** By the command's last word: `kv1nt feedback <name>`. */
export const RECORD_COMMANDS = { success, failure, quality, rate, record } as const;
export type RecordCommandName = keyof typeof RECORD_COMMANDS;
