import * as v from 'valibot';
import { nonEmpty, timerMs } from './fields.js';

export const ParamSchema = v.pipe(
  v.strictObject({
    file: v.pipe(nonEmpty('file'), v.description('JSON file inside the agent folder that holds the value.')),
    key: v.pipe(
      nonEmpty('key'),
      v.description('Dotted key of the value in that file, e.g. "model.timeoutMs".'),
    ),
    min: v.pipe(
      v.number('min must be a number'),
      v.finite('min must be a finite number'),
      v.description('Lowest value a strategy may set.'),
    ),
    max: v.pipe(
      v.number('max must be a number'),
      v.finite('max must be a finite number'),
      v.description('Highest value a strategy may set.'),
    ),
    step: v.optional(
      v.pipe(
        v.number('step must be a number'),
        v.finite('step must be a finite number'),
        v.gtValue(0, 'step must be above 0'),
        v.description('Granularity of changes (e.g. 1 for whole numbers).'),
      ),
    ),
  }),
  v.check((param) => param.min <= param.max, 'min must not be above max'),
  v.description('A tunable knob of the agent, changed only inside [min, max].'),
);

export const AgentConfigSchema = v.pipe(
  v.strictObject({
    path: v.pipe(
      nonEmpty('path'),
      v.description('Folder of the agent, relative to this config file (or absolute).'),
    ),
    test: v.pipe(
      nonEmpty('test'),
      v.description('The agent\'s own test command, run in its folder (e.g. "npm test").'),
    ),
    testTimeoutMs: v.optional(
      v.pipe(timerMs('testTimeoutMs'), v.description('Time limit of one test run in ms (default 600000).')),
    ),
    slaMs: v.optional(
      v.pipe(
        v.number('slaMs must be a number'),
        v.finite('slaMs must be a finite number'),
        v.gtValue(0, 'slaMs must be above 0'),
        v.description('Response-time target of one operation in ms.'),
      ),
    ),
    learningsFile: v.optional(
      v.pipe(
        nonEmpty('learningsFile'),
        v.description('File in the agent folder that receives learnings (a marked section).'),
      ),
    ),
    guardian: v.optional(
      v.pipe(
        nonEmpty('guardian'),
        v.description('Quality command whose findings feed code_smell (e.g. "npx eslint . -f json").'),
      ),
    ),
    params: v.optional(
      v.pipe(
        v.record(
          v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a param name is letters, digits and _')),
          ParamSchema,
        ),
        v.description("The agent's tunable params by name."),
      ),
    ),
  }),
  v.description('An agent: a folder with a test command.'),
);
