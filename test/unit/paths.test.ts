import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { containedPath, isInside, resolveDataDir } from '../../src/core/paths.js';

describe('containedPath', () => {
  it('accepts names that merely start with dots', () => {
    expect(containedPath('/data', '..foo')).toBe(path.resolve('/data/..foo'));
    expect(containedPath('/data', 'a', '..b', 'c')).toBe(path.resolve('/data/a/..b/c'));
  });

  it('refuses names that resolve outside the root', () => {
    expect(() => containedPath('/data', '../foo')).toThrow(/outside/);
    expect(() => containedPath('/data', 'a/../../foo')).toThrow(/outside/);
    expect(() => containedPath('/data', '/etc/passwd')).toThrow(/outside/);
  });

  it('does not confuse a sibling with a common prefix for a child', () => {
    expect(isInside('/data', '/data-other/x')).toBe(false);
    expect(isInside('/data', '/data/x')).toBe(true);
  });
});

describe('resolveDataDir', () => {
  it('prefers the flag, then KV1NT_HOME, then the config, then ~/.kv1nt', () => {
    expect(resolveDataDir({ flag: 'f', env: '/e', config: '/c' }, '/cwd')).toBe(path.resolve('/cwd/f'));
    expect(resolveDataDir({ env: '/e', config: '/c' }, '/cwd')).toBe('/e');
    expect(resolveDataDir({ config: '/c' }, '/cwd')).toBe('/c');
    expect(resolveDataDir({}, '/cwd')).toMatch(/\.kv1nt$/);
  });
});
