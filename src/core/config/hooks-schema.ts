import * as v from 'valibot';
import { AGENT_ID_PATTERN } from '../ids.js';
import { SEVERITIES } from '../sdk/types.js';
import { healthScore } from './fields.js';

export const HooksSchema = v.pipe(
  v.strictObject({
    agents: v.optional(
      v.pipe(
        v.array(
          v.pipe(
            v.string('an agent id must be a string'),
            v.regex(
              AGENT_ID_PATTERN,
              'an agent id is 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit',
            ),
          ),
          'agents must be an array of agent ids',
        ),
        v.description('Agents the hooks check (default: every agent this config declares).'),
      ),
    ),
    'pre-push': v.optional(
      v.pipe(
        v.strictObject({
          minHealth: healthScore(
            'minHealth',
            "The push fails when an agent's health is under this, 0–100 (default 70).",
          ),
          blockOn: v.optional(
            v.pipe(
              v.array(
                v.picklist(SEVERITIES, `a severity is one of ${SEVERITIES.join(', ')}`),
                'blockOn must be an array of severities',
              ),
              v.description(
                'The push fails when an agent has an open opportunity of one of these severities (default ["CRITICAL"]).',
              ),
            ),
          ),
          failOnNoData: v.optional(
            v.pipe(
              v.boolean('failOnNoData must be true or false'),
              v.description(
                'The push fails when an agent has no health score (no feedback in the window) instead of passing it (default false).',
              ),
            ),
          ),
          onError: v.optional(
            v.pipe(
              v.picklist(['allow', 'block'], 'onError is "allow" or "block"'),
              v.description(
                'When kv1nt itself cannot judge (its node binary is gone, a store is unreadable, it crashed): "allow" lets the push through with a warning on stderr, "block" fails it (default "allow").',
              ),
            ),
          ),
        }),
        v.description('The pre-push gate.'),
      ),
    ),
    'post-commit': v.optional(
      v.pipe(
        v.strictObject({
          recordTests: v.optional(
            v.pipe(
              v.boolean('recordTests must be true or false'),
              v.description(
                "After each commit, run each agent's tests in the background and record the outcome (default true).",
              ),
            ),
          ),
        }),
        v.description('The post-commit hook.'),
      ),
    ),
  }),
  v.description(
    'Git hooks installed with `kv1nt hooks install`; read from the config found from the repository root.',
  ),
);
