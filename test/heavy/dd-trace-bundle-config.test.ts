// Every aspect file of dd-trace-go v2.6.0's orchestrion/all/v2 bundle loads through weft's
// discovery (a throwaway module pinning the bundle and orchestrion v1.8.0, as users do), and each
// file gives exactly as many aspects as it has `- id:` entries, counted without weft's loader.
// Heavy: the first run downloads the bundle's modules through the Go module proxy.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { discoverConfiguration, loadBuildConfig } from '../../src/weaving/prepare.js';

const hasGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'weft-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('dd-trace-go v2.6.0 bundle configuration', { skip: !hasGo && 'go is not installed', timeout: 900_000 }, () => {
  it('loads every file of the bundle, each with as many aspects as it declares', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOWORK: 'off' };
    writeFileSync(join(dir, 'go.mod'), 'module example.com/bundle\n\ngo 1.24\n');
    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
    writeFileSync(join(dir, 'orchestrion.tool.go'), '//go:build tools\n\npackage tools\n\nimport (\n\t_ "github.com/DataDog/orchestrion"\n\t_ "github.com/DataDog/dd-trace-go/orchestrion/all/v2"\n)\n');
    const get = spawnSync('go', ['get', 'github.com/DataDog/orchestrion@v1.8.0', 'github.com/DataDog/dd-trace-go/orchestrion/all/v2@v2.6.0'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(get.status, 0, get.stderr);

    const discovery = discoverConfiguration({ env, startDir: dir, cwd: dir });
    const { config } = await loadBuildConfig({ discovery, go: 'go', dir, env, buildFlags: [], cacheDir: null });
    const sources = config.sources!;
    const yamls = sources.filter((s) => s.kind === 'yaml');
    let declared = 0;
    for (const s of yamls) {
      const ids = readFileSync(s.file, 'utf8').split('\n').filter((l) => /^\s*- id:/.test(l)).length;
      assert.equal(s.aspects, ids, `${s.file}: ${ids} declared, ${s.aspects} loaded`);
      declared += ids;
    }
    assert.equal(config.aspects.length, declared + 2, 'the bundle\'s aspects plus the two built-ins');
    assert.ok(yamls.length >= 45 && declared >= 120, `${yamls.length} files, ${declared} aspects`);
    console.log(`bundle: ${yamls.length} YAML files, ${declared} aspects, ${sources.filter((s) => s.kind === 'tool-file').length} tool files`);
  });
});
