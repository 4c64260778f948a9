// otelc's rule files in a real build, found the way otelc users ship them: the main module's
// otel.instrumentation.go blank-imports an instrumentation module whose package holds
// *.otelc.yml rules and whose own otelc.tool.go imports a further package of rules. The rules use
// a version range (a dependency served by a local file:// proxy, so it sits in the module cache
// at its version), where.file predicates and add_file. The binary runs and says what was woven.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasGo, makeTestEnv, run, runWeftGo } from './helpers.js';

function write(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A stored (uncompressed) zip, the form a module proxy serves a module version in. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const fname = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fname.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fname.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fname, data);
    centrals.push(central, fname);
    offset += 30 + fname.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const LIB_GO = 'package lib\n\nfunc Fetch() string { return "fetched" }\n';

const RULES = `fetch_v14:
  target: example.com/lib
  version: v1.4.0,v1.5.0
  where:
    func: Fetch
  do:
    - inject_code:
        raw: println("lib v1.4 traced")
fetch_v2:
  target: example.com/lib
  version: v2.0.0,
  where:
    func: Fetch
  do:
    - inject_code:
        raw: println("never, a v2 rule")
driver_spans:
  target: main
  where:
    directive: otelc:span
    file:
      all-of:
        - has_struct: Driver
        - not:
            is_test: true
  do:
    - expand_directive:
        template: println("span", "{{FuncName}}")
helpers:
  target: main
  do:
    - add_file:
        file: helpers.go
        path: example.com/instr/helpers
greet:
  target: main
  where:
    func: main
  do:
    - inject_code:
        raw: println(addedGreeting())
`;

describe('otelc rule files in a real build', { skip: !hasGo && 'go is not installed' }, () => {
  let root = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'weft-e2e-otelc-'));
    const v = join(root, 'proxy', 'example.com', 'lib', '@v');
    mkdirSync(v, { recursive: true });
    writeFileSync(join(v, 'list'), 'v1.4.2\n');
    writeFileSync(join(v, 'v1.4.2.info'), '{"Version":"v1.4.2","Time":"2024-01-01T00:00:00Z"}\n');
    writeFileSync(join(v, 'v1.4.2.mod'), 'module example.com/lib\n\ngo 1.22\n');
    writeFileSync(join(v, 'v1.4.2.zip'), zip({ 'example.com/lib@v1.4.2/go.mod': 'module example.com/lib\n\ngo 1.22\n', 'example.com/lib@v1.4.2/lib.go': LIB_GO }));
    write(root, {
      'instr/go.mod': 'module example.com/instr\n\ngo 1.22\n',
      'instr/instr.go': '// Package instr carries otelc rules.\npackage instr\n',
      'instr/rules.otelc.yml': RULES,
      'instr/otelc.tool.go': '//go:build tools\n\npackage instr\n\nimport _ "example.com/instr/more"\n',
      'instr/more/more.go': 'package more\n',
      'instr/more/more.otelc.yml': 'nested:\n  target: main\n  where: {func: main}\n  do:\n    - inject_code:\n        raw: println("nested rules")\n',
      'instr/helpers/doc.go': '// Package helpers holds files added to instrumented packages.\npackage helpers\n',
      'instr/helpers/helpers.go': '//go:build ignore\n\npackage helpers\n\nimport "strings"\n\nfunc addedGreeting() string { return strings.ToUpper("added file") }\n',
      'app/go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire (\n\texample.com/instr v0.0.0\n\texample.com/lib v1.4.2\n)\n\nreplace example.com/instr => ../instr\n',
      'app/otel.instrumentation.go': '//go:build tools\n\npackage main\n\nimport _ "example.com/instr"\n',
      'app/main.go': 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/lib"\n)\n\nfunc main() {\n\tfmt.Println(lib.Fetch())\n\tconnect()\n\tother()\n}\n',
      'app/driver.go': 'package main\n\ntype Driver struct{}\n\n//otelc:span\nfunc connect() {}\n',
      'app/other.go': 'package main\n\n//otelc:span\nfunc other() {}\n',
    });
    ({ env, cleanup } = makeTestEnv('otelc'));
    env = { ...env, GOPROXY: `file://${join(root, 'proxy')}`, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GOMODCACHE: join(root, 'modcache') };
  });
  after(async () => {
    // The module cache is read-only; go removes it.
    await run('go', ['clean', '-modcache'], { cwd: join(root, 'app'), env });
    cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('finds the rules through the tool files and weaves versions, file predicates and added files', async () => {
    const app = join(root, 'app');
    const b = await runWeftGo(['build', '-o', 'app', '.'], { cwd: app, env });
    assert.equal(b.code, 0, b.stderr);
    const out = await run(join(app, 'app'), [], { cwd: app, env });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, 'fetched\n');
    const lines = out.stderr.split('\n').filter((l) => l !== '');
    // main's rules apply in declaration order: prepended blocks read last-declared first.
    assert.deepEqual(lines, ['ADDED FILE', 'nested rules', 'lib v1.4 traced', 'span connect']);
  });
});
