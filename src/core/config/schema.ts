import * as v from 'valibot';
import { AGENT_ID_PATTERN } from '../ids.js';

/**
 * The config file's schema. Unknown keys are errors (strict objects) so a typo never passes as
 * "no setting". `kv1ntrc.schema.json` is generated from this at build for editors.
 */
const positiveInt = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.integer(`${what} must be a whole number`),
    v.minValue(1, `${what} must be at least 1`),
  );
const nonEmpty = (what: string) =>
  v.pipe(v.string(`${what} must be a string`), v.minLength(1, `${what} must not be empty`));

export const ParamSchema = v.pipe(
  v.strictObject({
    file: nonEmpty('file'),
    key: nonEmpty('key'),
    min: v.number('min must be a number'),
    max: v.number('max must be a number'),
    step: v.optional(v.pipe(v.number('step must be a number'), v.gtValue(0, 'step must be above 0'))),
  }),
  v.check((param) => param.min <= param.max, 'min must not be above max'),
);

export const AgentConfigSchema = v.strictObject({
  path: nonEmpty('path'),
  test: nonEmpty('test'),
  testTimeoutMs: v.optional(positiveInt('testTimeoutMs')),
  slaMs: v.optional(v.pipe(v.number('slaMs must be a number'), v.gtValue(0, 'slaMs must be above 0'))),
  learningsFile: v.optional(nonEmpty('learningsFile')),
  guardian: v.optional(nonEmpty('guardian')),
  params: v.optional(
    v.record(
      v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a param name is letters, digits and _')),
      ParamSchema,
    ),
  ),
});

export const ConfigSchema = v.strictObject({
  $schema: v.optional(v.string()),
  dataDir: v.optional(nonEmpty('dataDir')),
  agents: v.optional(
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
  ),
});

export type Kv1ntConfig = v.InferOutput<typeof ConfigSchema>;
export type AgentConfig = v.InferOutput<typeof AgentConfigSchema>;
export type ParamConfig = v.InferOutput<typeof ParamSchema>;
