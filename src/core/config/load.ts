import fs from 'node:fs';
import path from 'node:path';
import { lilconfig, type Loader } from 'lilconfig';
import * as v from 'valibot';
import { Kv1ntError, configNotFound, configInvalid } from '../errors.js';
import { reservedKeyIssues } from './reserved-keys.js';
import { ConfigSchema, type Kv1ntConfig } from './schema.js';

export const CONFIG_SEARCH_PLACES = [
  'package.json',
  '.kv1ntrc',
  '.kv1ntrc.json',
  '.kv1ntrc.yaml',
  '.kv1ntrc.yml',
  'kv1nt.config.js',
  'kv1nt.config.mjs',
];

export interface LoadedConfig {
  /** The file it came from; null when none was found. */
  file: string | null;
  config: Kv1ntConfig;
}

/**
 * Finds and validates the config: `explicit` (`--config` / `KV1NT_CONFIG`) or the first of
 * CONFIG_SEARCH_PLACES from `cwd` upward. Any problem is an exit-2 error naming the file.
 */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const searcher = lilconfig('kv1nt', {
    searchPlaces: CONFIG_SEARCH_PLACES,
    loaders: { '.json': loadJson, '.yaml': loadYaml, '.yml': loadYaml, noExt: loadJsonOrYaml },
    cache: false,
  });
  let result: Awaited<ReturnType<typeof searcher.search>>;
  if (explicit !== undefined && explicit !== '') {
    const file = path.resolve(cwd, explicit);
    if (!fs.existsSync(file)) {
      throw configNotFound(file);
    }
    result = await guard(file, () => searcher.load(file));
  } else {
    result = await guard(cwd, () => searcher.search(cwd));
  }
  if (result === null) return { file: null, config: {} };
  return {
    file: result.filepath,
    config: validateConfig(result.filepath, result.isEmpty ? {} : result.config),
  };
}

export function validateConfig(file: string, raw: unknown): Kv1ntConfig {
  const parsed = v.safeParse(ConfigSchema, raw);
  // Keys valibot's records leave out silently (`agents.__proto__` would declare no agent).
  const problems = reservedKeyIssues(ConfigSchema, raw).map((issue) => `${issue.path}: ${issue.message}`);
  if (parsed.success && problems.length === 0) return parsed.output;
  if (!parsed.success)
    for (const issue of parsed.issues)
      problems.push(`${v.getDotPath(issue) ?? '(top level)'}: ${describeIssue(issue)}`);
  throw configInvalid(`Invalid config ${file}:\n  ${problems.join('\n  ')}`, [
    'See .kv1ntrc.example and kv1ntrc.schema.json for every key and its type.',
  ]);
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'strict_object' && issue.expected === 'never') return 'unknown key';
  if (issue.message.startsWith('Invalid type'))
    return `expected ${issue.expected ?? 'another type'}, got ${issue.received}`;
  return `${issue.message} (got ${issue.received})`;
}

async function guard<T>(where: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof Kv1ntError) throw error;
    throw configInvalid(`Cannot read the config (${where}): ${(error as Error).message}`, [], error);
  }
}

const loadJson: Loader = (file, content) => {
  try {
    return JSON.parse(content) as unknown;
  } catch (error) {
    throw configInvalid(`Invalid config ${file}: not valid JSON (${(error as Error).message}).`, [], error);
  }
};

const loadYaml: Loader = async (file, content) => {
  // Imported on demand: YAML costs ~60 ms to load and most configs are JSON.
  const { parse } = await import('yaml');
  try {
    return parse(content) as unknown;
  } catch (error) {
    throw configInvalid(`Invalid config ${file}: not valid YAML (${(error as Error).message}).`, [], error);
  }
};

/** `.kv1ntrc` may hold JSON or YAML. */
const loadJsonOrYaml: Loader = (file, content) => {
  const text = content.trim();
  return (text.startsWith('{') ? loadJson(file, content) : loadYaml(file, content)) as unknown;
};
