import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unsafeAgentFolder } from '../../../src/core/agents/agent-folder.js';
import { createSandbox } from '../../../src/core/sandbox/sandbox.js';
import { tempDir } from '../../helpers/cli.js';
import { rejection } from '../store/helpers.js';

/** A project folder with an agent in it and the data dir (not created yet) beside the agent. */
function layout(): { root: string; data: string } {
  const root = tempDir({ 'project/agent/index.js': '' });
  return { root, data: path.join(root, 'project', '.kv1nt') };
}

describe('unsafeAgentFolder', () => {
  it.each([
    ['/', 'it is the root of the file system'],
    ['/proc', 'it is in /proc, a virtual file system'],
    ['/proc/self', 'it is in /proc, a virtual file system'],
    ['/sys/kernel', 'it is in /sys, a virtual file system'],
    ['/dev', 'it is in /dev, a virtual file system'],
  ])('refuses %s', (folder, reason) => {
    expect(unsafeAgentFolder(folder, layout().data)).toMatch(reason);
  });

  it('refuses the data dir, its parent and every folder above it', () => {
    const { root, data } = layout();
    for (const folder of [data, path.join(root, 'project'), root, os.tmpdir()])
      expect(unsafeAgentFolder(folder, data), folder).toMatch(/contains kv1nt's data dir/);
  });

  it('refuses a folder inside the data dir', () => {
    const { data } = layout();
    expect(unsafeAgentFolder(path.join(data, 'sandboxes', 'x'), data)).toMatch(/is inside kv1nt's data dir/);
  });

  it('sees through symbolic links on either side', () => {
    const { root, data } = layout();
    const link = path.join(tempDir(), 'link-to-project');
    fs.symlinkSync(path.join(root, 'project'), link);
    expect(unsafeAgentFolder(link, data)).toMatch(/contains kv1nt's data dir/);
    fs.mkdirSync(data, { recursive: true });
    const dataLink = path.join(tempDir(), 'data-link');
    fs.symlinkSync(data, dataLink);
    expect(unsafeAgentFolder(path.join(root, 'project'), dataLink)).toMatch(/contains kv1nt's data dir/);
  });

  it('accepts a folder beside the data dir, and one that shares only a name prefix', () => {
    const { root, data } = layout();
    expect(unsafeAgentFolder(path.join(root, 'project', 'agent'), data)).toBeUndefined();
    expect(unsafeAgentFolder(path.join(root, 'project', '.kv1nt-agent'), data)).toBeUndefined();
  });
});

describe('createSandbox', () => {
  it('refuses to copy a folder into a sandbox root inside it, creating nothing', async () => {
    const agent = tempDir({ 'index.js': '' });
    const sandboxes = path.join(agent, 'data', 'sandboxes');
    const error = await rejection(createSandbox(sandboxes, agent));
    expect(error.code).toBe('AGENT_PATH_UNSAFE');
    expect(fs.readdirSync(sandboxes)).toEqual([]);
  });
});
