import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKv1nt, definePlugin } from '../../../src/index.js';
import { tempDir } from '../../helpers/cli.js';

describe('createKv1nt({ plugins })', () => {
  it('takes plugin objects (in-process) and module paths (in plugin processes), after the built-ins', async () => {
    const dir = tempDir({
      'spinner.mjs': `export default { apiVersion: 1, name: 'spinner', detectors: [{ id: 'spinner/d', type: 'code_smell', description: '', detect() { while (true) {} } }] };`,
      'file.mjs': `export default { apiVersion: 1, name: 'file', detectors: [{ id: 'file/d', type: 'code_smell', description: '', detect: (ctx) => [{ title: 'from a file: ' + ctx.feedback.length, description: '' }] }] };`,
      // The spinner's calls are cut at 1 s; modules load under the default limit.
      '.kv1ntrc.json': JSON.stringify({ pluginTimeouts: { spinner: 1000 } }),
    });
    const inline = definePlugin({
      apiVersion: 1,
      name: 'inline',
      detectors: [
        {
          id: 'inline/d',
          type: 'quality_issues',
          description: '',
          detect: (ctx) => [{ title: `inline ${ctx.agent.id}`, description: '' }],
        },
      ],
    });
    const kv1nt = createKv1nt({
      dataDir: path.join(dir, 'data'),
      cwd: dir,
      plugins: [inline, './file.mjs', path.join(dir, 'spinner.mjs')],
    });
    await kv1nt.recordSuccess('bot', 'op-1');
    const analysis = await kv1nt.analyzeAgentPerformance('bot');
    expect(analysis.opportunities.map((o) => o.title).sort()).toEqual(['from a file: 1', 'inline bot']);
    expect(analysis.warnings).toEqual([
      { plugin: 'spinner', component: 'spinner/d', error: 'timed out after 1000 ms' },
    ]);
    const status = await kv1nt.status();
    expect(status.plugins.map((p) => [p.name, p.source])).toEqual([
      ['kv1nt-builtin', 'builtin'],
      ['file', 'api'],
      ['spinner', 'api'],
      ['inline', 'api'],
    ]);
  });
});
