import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands.js';
import { ROOT } from '../helpers/cli.js';

const DOCS = path.join(ROOT, 'docs');
const README = path.join(ROOT, 'README.md');

/** README.md and every Markdown file under docs/, generated reference included. */
function markdownFiles(): string[] {
  const docs = fs
    .readdirSync(DOCS, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join(DOCS, file));
  return [README, ...docs];
}

/** The text outside code fences and inline code: a link-like string in an example is no link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens; repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const text = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id!);
  return anchors;
}

/** Relative links `[text](target)` of a Markdown file, as written. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('README.md', () => {
  const text = fs.readFileSync(README, 'utf8');

  it('is an on-ramp of at most 300 lines', () => {
    expect(text.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('still gives the two commands a newcomer starts with', () => {
    expect(text).toContain('npm install && npm run demo');
    expect(text).toContain('npm test');
  });
});

describe('links in README.md and docs/', () => {
  it('every relative link names an existing file, and an existing heading or anchor in it', () => {
    const anchors = new Map<string, Set<string>>();
    const anchorsIn = (file: string) => {
      if (!anchors.has(file)) anchors.set(file, anchorsOf(fs.readFileSync(file, 'utf8')));
      return anchors.get(file)!;
    };
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      for (const link of relativeLinks(fs.readFileSync(file, 'utf8'))) {
        const [target, anchor] = link.split('#') as [string, string | undefined];
        const resolved = target === '' ? file : path.resolve(path.dirname(file), decodeURI(target));
        const where = `${path.relative(ROOT, file)}: ${link}`;
        if (!fs.existsSync(resolved)) broken.push(`${where} (no such file)`);
        else if (anchor && resolved.endsWith('.md') && !anchorsIn(resolved).has(anchor))
          broken.push(`${where} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('points to nothing outside the repository', () => {
    const outside = markdownFiles().flatMap((file) =>
      relativeLinks(fs.readFileSync(file, 'utf8'))
        .map((link) => [link, link.split('#')[0]!] as const)
        .filter(
          ([, target]) =>
            target !== '' && !path.resolve(path.dirname(file), target).startsWith(ROOT + path.sep),
        )
        .map(([link]) => link)
        .map((link) => `${path.relative(ROOT, file)}: ${link}`),
    );
    expect(outside).toEqual([]);
  });

  it('cites no document kept outside the repository', () => {
    const cited = markdownFiles().filter((file) =>
      /contract §|\.\.\/shared\//.test(fs.readFileSync(file, 'utf8')),
    );
    expect(cited.map((file) => path.relative(ROOT, file))).toEqual([]);
  });
});

describe('docs/commands/ (npm run readme)', () => {
  /** Command ids that have a `## \`kv1nt …\`` section: the usage's words before its arguments. */
  function documentedIds(): Set<string> {
    const dir = path.join(DOCS, 'commands');
    const ids = new Set<string>();
    for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.md'))) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const [, usage] of text.matchAll(/^## `kv1nt ([^`]+)`$/gm)) {
        const words = usage!.split(' ');
        const end = words.findIndex((word) => !/^[a-z][a-z0-9:-]*$/.test(word));
        ids.add(words.slice(0, end === -1 ? undefined : end).join(':'));
      }
    }
    return ids;
  }

  it('documents every visible command of src/commands.ts (run `npm run readme` after adding one)', () => {
    const visible = Object.entries(COMMANDS)
      .filter(([, command]) => command.hidden !== true)
      .map(([id]) => id);
    const documented = documentedIds();
    expect(visible.filter((id) => !documented.has(id))).toEqual([]);
  });
});

describe('docs/configuration.md', () => {
  it('names every key of the config schema', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'kv1ntrc.schema.json'), 'utf8')) as unknown;
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        const { properties } = node as { properties?: Record<string, unknown> };
        if (properties) Object.keys(properties).forEach((key) => keys.add(key));
        Object.values(node).forEach(walk);
      }
    };
    walk(schema);
    const code = [...fs.readFileSync(path.join(DOCS, 'configuration.md'), 'utf8').matchAll(/`([^`\n]+)`/g)]
      .map((match) => match[1]!)
      .join('\n');
    const named = (key: string) =>
      new RegExp(`(?<![\\w-])${key.replace(/[$.]/g, '\\$&')}(?![\\w-])`).test(code);
    expect([...keys].filter((key) => !named(key))).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  it('maps every folder of src/, src/core/ and test/ (a moved or new folder needs its row)', () => {
    const text = fs.readFileSync(path.join(DOCS, 'architecture.md'), 'utf8');
    const folders = ['src', 'src/core', 'test'].flatMap((parent) =>
      fs
        .readdirSync(path.join(ROOT, parent), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${parent}/${entry.name}/`),
    );
    expect(folders.filter((folder) => !text.includes(`\`${folder}\``))).toEqual([]);
  });
});
