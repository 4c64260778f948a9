// `weft toolexec` talking to a running job server (WEFT_SOCKET), with fake tools that print
// their arguments: the server's plan is what runs, and -V=full gets the server's suffix.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { emptyConfig } from '../../../src/config/index.js';
import { listenJobServer } from '../../../src/jobserver/index.js';
import { createBuildContext } from '../../../src/weaving/index.js';
import type { WeavePackageResult } from '../../../src/weave/api.js';

const weft = fileURLToPath(new URL('../../../../bin/weft.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'weft-toolexec-'));
after(() => rmSync(root, { recursive: true, force: true }));

function fakeTool(name: string, script: string): string {
  const dir = join(root, 'tools');
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${script}\n`);
  chmodSync(p, 0o755);
  return p;
}

function runWeft(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Asynchronously: the job server lives in this process and must keep answering.
  return new Promise((resolve) => {
    import('node:child_process').then(({ execFile }) => {
      execFile(process.execPath, [weft, ...args], { env, cwd: root }, (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
      });
    });
  });
}

describe('weft toolexec', () => {
  it('sends compile through WEFT_SOCKET and runs the planned arguments', async () => {
    const work = join(root, 'b001');
    mkdirSync(work, { recursive: true });
    const src = join(root, 'a.go');
    writeFileSync(src, 'package a\n');
    const compile = fakeTool('compile', 'for a in "$@"; do echo "$a"; done');
    const woven: WeavePackageResult = { files: [{ original: src, text: 'package a // woven\n' }], extraFiles: [], addedImports: [], linkDeps: [], lang: '', aspects: ['x'], stats: { filesScanned: 1, filesParsed: 1, filesWoven: 1, nodesWoven: 0, scanMicros: 0, parseMicros: 0, weaveMicros: 0 } };
    const ctx = createBuildContext({ config: emptyConfig(), weaver: async () => woven });
    const server = await listenJobServer(ctx, { parentDir: root });
    try {
      const env = { ...process.env, WEFT_SOCKET: server.socketPath, TOOLEXEC_IMPORTPATH: 'example.com/a' };
      const r = await runWeft(['toolexec', compile, '-o', join(work, '_pkg_.a'), '-p', 'example.com/a', src], env);
      assert.equal(r.code, 0, r.stderr);
      const args = r.stdout.trim().split('\n');
      assert.equal(args[0], '-o');
      assert.match(args[args.length - 1]!, new RegExp(`^${work}/weft-0-a\\.go$`));
      assert.equal(ctx.stats.snapshot().woven, 1);

      const version = fakeTool('compile-v', 'echo "compile version go1.99"');
      const v = await runWeft(['toolexec', version, '-V=full'], { ...process.env, WEFT_SOCKET: server.socketPath });
      assert.equal(v.stdout, `compile version go1.99 ${ctx.suffix}\n`);

      const asm = fakeTool('asm', 'echo asm "$@"; exit 4');
      const a = await runWeft(['toolexec', asm, '-x'], env);
      assert.equal(a.stdout, 'asm -x\n');
      assert.equal(a.code, 4, 'other tools pass through with their exit code');
      assert.equal(ctx.stats.snapshot().compileRequests, 1, 'asm and -V=full did not reach the server as requests');
    } finally {
      await server.close();
    }
  });

  it('an error reply fails the tool run with the error on stderr, without running the tool', async () => {
    const ctx = createBuildContext({ config: emptyConfig(), weaver: async () => { throw new Error('weaver exploded'); } });
    const server = await listenJobServer(ctx, { parentDir: root });
    try {
      const compile = fakeTool('compile', 'echo ran');
      const src = join(root, 'b.go');
      writeFileSync(src, 'package b\n');
      const r = await runWeft(['toolexec', compile, '-o', join(root, 'b002', '_pkg_.a'), '-p', 'b', src], { ...process.env, WEFT_SOCKET: server.socketPath });
      assert.notEqual(r.code, 0);
      assert.equal(r.stdout, '', 'the tool did not run');
      assert.match(r.stderr, /weaver exploded/);
    } finally {
      await server.close();
    }
  });
});
