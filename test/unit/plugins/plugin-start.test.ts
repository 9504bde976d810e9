import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Kv1ntCore } from '../../../src/core/kv1nt.js';
import { tempDir } from '../../helpers/cli.js';

const READER = `export default { apiVersion: 1, name: 'reader', detectors: [{ id: 'reader/d', type: 'code_smell',
  description: '', detect: (ctx) => [{ title: 'read ' + ctx.feedback.length, description: '' }] }] };`;

/** A core over a project whose config loads reader.mjs, with one entry recorded for `bot`. */
async function coreWithReader(): Promise<{ core: Kv1ntCore; events: string[] }> {
  const dir = tempDir({
    'reader.mjs': READER,
    '.kv1ntrc.json': JSON.stringify({ plugins: ['./reader.mjs'] }),
  });
  const core = await Kv1ntCore.open({ dataDir: path.join(dir, 'data'), cwd: dir });
  await core.record({ agentId: 'bot', operationId: 'op-1', type: 'success' });
  const events: string[] = [];
  const plugins = core.plugins.bind(core);
  vi.spyOn(core, 'plugins').mockImplementation(() => {
    events.push('plugins');
    return plugins();
  });
  for (const name of ['agents', 'aggregates', 'feedback', 'optimization'] as const) {
    const store = core.stores[name];
    const read = store.read.bind(store) as () => Promise<never>;
    vi.spyOn(store, 'read').mockImplementation(() => {
      events.push(`read ${name}`);
      return read();
    });
  }
  return { core, events };
}

describe('when the plugin processes start', () => {
  it('analyze starts loading the plugins before it reads a store: their start overlaps its own work', async () => {
    const { core, events } = await coreWithReader();
    const analysis = await core.analyze('bot');
    expect(analysis.opportunities.map((o) => o.title)).toContain('read 1');
    expect(events[0]).toBe('plugins');
    expect(events.filter((e) => e.startsWith('read')).length).toBeGreaterThan(0);
  });

  it('preparePlugins starts them for a command that checks its arguments first; analyze then uses the same load', async () => {
    const { core, events } = await coreWithReader();
    core.preparePlugins();
    await core.assertKnownAgent('bot');
    const analysis = await core.analyze('bot');
    expect(analysis.opportunities.map((o) => o.title)).toContain('read 1');
    expect(events[0]).toBe('plugins');
    // One load for the whole command: the set is loaded once per core.
    expect(await core.plugins()).toBe(await core.plugins());
  });
});
