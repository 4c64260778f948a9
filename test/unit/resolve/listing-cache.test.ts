import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createListingCache, type ListingCacheOptions } from '../../../src/resolve/listing-cache.js';
import type { ListedPackage } from '../../../src/resolve/go-list.js';

const base = mkdtempSync(join(tmpdir(), 'weft-listing-cache-'));
after(() => rmSync(base, { recursive: true, force: true }));

const modCache = join(base, 'modcache');
const modDir = join(modCache, 'example.com', 'lib@v1.2.3');
mkdirSync(modDir, { recursive: true });
const goenv = join(base, 'goenv');
writeFileSync(goenv, '');

function checkout(name: string, gomod = 'module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v1.2.3\n'): string {
  const root = join(base, name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'go.mod'), gomod);
  writeFileSync(join(root, 'go.sum'), 'example.com/lib v1.2.3 h1:abc=\n');
  return root;
}

function options(root: string, over: Partial<ListingCacheOptions> = {}): ListingCacheOptions {
  return { cacheDir: join(base, 'cache'), go: '/usr/local/go/bin/go', goVersion: 'go1.26.8', modCache, root, goEnv: { toolEnv: { GOOS: 'linux', GOARCH: 'amd64' }, goenvFile: goenv }, ...over };
}

const env: NodeJS.ProcessEnv = { GOWORK: 'off' };
const flags = ['-mod=readonly', '-trimpath'];
const pkgs = ['example.com/lib'];
const lib: ListedPackage = { ImportPath: 'example.com/lib', Dir: modDir, Module: { Path: 'example.com/lib', Version: 'v1.2.3' }, Deps: ['fmt'], GoFiles: ['lib.go'] };
const fmt: ListedPackage = { ImportPath: 'fmt', Dir: '/usr/local/go/src/fmt', Standard: true, GoFiles: ['print.go'] };

describe('the injectable packages\' listing kept across builds', () => {
  it('a listing of GOROOT and module cache packages is kept, and read back by a checkout at another path with the same go.mod and go.sum', () => {
    const a = checkout('keep-a');
    const cache = createListingCache(options(a))!;
    assert.equal(cache.write(pkgs, a, flags, env, [lib, fmt]), true);
    assert.deepEqual(cache.read(pkgs, a, flags, env), [lib, fmt]);
    const b = checkout('keep-b');
    assert.deepEqual(createListingCache(options(b))!.read(pkgs, b, flags, env), [lib, fmt]);
  });

  it('what the listing depends on changes the key: go.mod, flags, the environment, go env\'s platform, the GOENV file, the packages asked for', () => {
    const root = checkout('key');
    const cache = createListingCache(options(root))!;
    assert.equal(cache.write(pkgs, root, flags, env, [lib, fmt]), true);
    assert.equal(cache.read(pkgs, root, ['-mod=readonly'], env), null);
    assert.equal(cache.read(pkgs, root, flags, { ...env, CGO_ENABLED: '0' }), null);
    assert.equal(cache.read(['example.com/lib', 'fmt'], root, flags, env), null);
    assert.equal(createListingCache(options(root, { goEnv: { toolEnv: { GOOS: 'linux', GOARCH: 'arm64' }, goenvFile: goenv } }))!.read(pkgs, root, flags, env), null);
    assert.equal(createListingCache(options(root, { goVersion: 'go1.26.9' }))!.read(pkgs, root, flags, env), null);
    writeFileSync(goenv, 'GOEXPERIMENT=fieldtrack\n');
    try {
      assert.equal(cache.read(pkgs, root, flags, env), null);
    } finally {
      writeFileSync(goenv, '');
    }
    assert.deepEqual(cache.read(pkgs, root, flags, env), [lib, fmt]);
    writeFileSync(join(root, 'go.mod'), 'module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v1.2.4\n');
    assert.equal(cache.read(pkgs, root, flags, env), null);
  });

  it('never kept: a local package (main module or directory replacement), a listing error, a workspace', () => {
    const root = checkout('never');
    const cache = createListingCache(options(root, { cacheDir: join(base, 'never-cache') }))!;
    const local: ListedPackage = { ImportPath: 'example.com/app/rt', Dir: join(root, 'rt'), Module: { Path: 'example.com/app', Main: true } };
    const replaced: ListedPackage = { ImportPath: 'example.com/lib', Dir: join(base, 'lib'), Module: { Path: 'example.com/lib', Version: 'v1.2.3', Replace: { Path: '../lib' } } };
    const broken: ListedPackage = { ...lib, Error: { Err: 'no Go files' } };
    assert.equal(cache.write(pkgs, root, flags, env, [lib, fmt, local]), false);
    assert.equal(cache.write(pkgs, root, flags, env, [replaced, fmt]), false);
    assert.equal(cache.write(pkgs, root, flags, env, [broken, fmt]), false);
    assert.equal(cache.read(pkgs, root, flags, env), null);
    assert.equal(cache.write(pkgs, root, flags, { GOWORK: join(base, 'go.work') }, [lib, fmt]), false);
    writeFileSync(join(root, 'go.work'), 'go 1.22\n\nuse .\n');
    assert.equal(cache.write(pkgs, root, flags, {}, [lib, fmt]), false);
  });

  it('errors that follow from go.mod and go.sum are kept (a configuration naming modules the module does not require); one that may pass is not', () => {
    const root = checkout('graph-errors');
    const cache = createListingCache(options(root, { cacheDir: join(base, 'graph-cache') }))!;
    const wanted = ['example.com/lib', 'example.com/unrequired', 'example.com/other'];
    const unrequired: ListedPackage = { ImportPath: 'example.com/unrequired', Error: { Err: 'go: updates to go.mod needed; to update it:\n\tgo mod tidy' } };
    const other: ListedPackage = { ImportPath: 'example.com/other', Error: { Err: 'no required module provides package example.com/other; to add it:\n\tgo get example.com/other' } };
    assert.equal(cache.write(wanted, root, flags, env, [lib, fmt, unrequired, other]), true);
    assert.deepEqual(cache.read(wanted, root, flags, env), [lib, fmt, unrequired, other]);
    // The same error text after a failed download: the next build lists again.
    const offline: ListedPackage = { ImportPath: 'example.com/other', Error: { Err: 'go: example.com/other@v1.0.0: Get "https://proxy.golang.org/...": dial tcp: lookup proxy.golang.org: no such host; no required module provides package example.com/other' } };
    const cache2 = createListingCache(options(root, { cacheDir: join(base, 'graph-cache-2') }))!;
    assert.equal(cache2.write(wanted, root, flags, env, [lib, fmt, unrequired, offline]), false);
    // go.mod changed (the module now requires it): another key, listed again.
    writeFileSync(join(root, 'go.mod'), 'module example.com/app\n\ngo 1.22\n\nrequire (\n\texample.com/lib v1.2.3\n\texample.com/other v1.0.0\n)\n');
    assert.equal(cache.read(wanted, root, flags, env), null);
  });

  it('a module cache cleaned since the listing was kept: listed again', () => {
    const root = checkout('cleaned');
    const gone = join(modCache, 'example.com', 'gone@v1.0.0');
    mkdirSync(gone, { recursive: true });
    const pkg: ListedPackage = { ImportPath: 'example.com/gone', Dir: gone, Module: { Path: 'example.com/gone', Version: 'v1.0.0' } };
    const cache = createListingCache(options(root))!;
    assert.equal(cache.write(['example.com/gone'], root, flags, env, [pkg]), true);
    assert.deepEqual(cache.read(['example.com/gone'], root, flags, env), [pkg]);
    rmSync(gone, { recursive: true });
    assert.equal(cache.read(['example.com/gone'], root, flags, env), null);
  });

  it('nothing is kept outside a module', () => {
    assert.equal(createListingCache(options('')), null);
  });
});
