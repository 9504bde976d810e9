import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { tempDir } from './cli.js';

/**
 * A real npm registry on 127.0.0.1 serving packuments and tarballs made with `npm pack`, so that
 * upgrades run the real npm, hermetically. Commands that use it must run asynchronously (the
 * registry answers from the test's own process).
 */
export interface LocalRegistry {
  url: string;
  /** Packs and serves `name@version` (made the `latest`); `bin` adds an executable `cli.js`. */
  publish(name: string, version: string, options?: { bin?: boolean }): void;
  close(): Promise<void>;
}

export async function startRegistry(): Promise<LocalRegistry> {
  const tarballs = new Map<string, Buffer>();
  const packuments = new Map<string, { versions: Record<string, unknown>; latest: string }>();
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const tarball = tarballs.get(url);
    if (tarball) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarball);
      return;
    }
    const entry = packuments.get(url.slice(1));
    if (!entry) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    const name = url.slice(1);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ name, 'dist-tags': { latest: entry.latest }, versions: entry.versions }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  function publish(name: string, version: string, options: { bin?: boolean } = {}): void {
    const bin = options.bin ? { bin: { [name]: 'cli.js' } } : {};
    const source = tempDir({
      'package.json': JSON.stringify({ name, version, ...bin }),
      'index.js': `module.exports = '${version}';\n`,
      ...(options.bin ? { 'cli.js': `#!/usr/bin/env node\nconsole.log('${name} ${version}');\n` } : {}),
    });
    const out = tempDir();
    execFileSync('npm', ['pack', '--pack-destination', out], { cwd: source, stdio: 'ignore' });
    const file = fs.readdirSync(out).find((f) => f.endsWith('.tgz'))!;
    const bytes = fs.readFileSync(path.join(out, file));
    const tarballPath = `/${name}/-/${name}-${version}.tgz`;
    tarballs.set(tarballPath, bytes);
    const entry = packuments.get(name) ?? { versions: {}, latest: version };
    entry.versions[version] = {
      name,
      version,
      ...bin,
      dist: {
        tarball: `${registry}${tarballPath.slice(1)}`,
        shasum: crypto.createHash('sha1').update(bytes).digest('hex'),
        integrity: `sha512-${crypto.createHash('sha512').update(bytes).digest('base64')}`,
      },
    };
    entry.latest = version;
    packuments.set(name, entry);
  }

  return {
    url: registry,
    publish,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** npm settings for a private cache and user config under `home` (nothing read from or written to ~). */
export function npmEnv(home: string): Record<string, string | undefined> {
  return {
    HOME: home,
    npm_config_cache: path.join(home, 'npm-cache'),
    npm_config_userconfig: path.join(home, '.npmrc'),
    npm_config_registry: undefined,
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
}
