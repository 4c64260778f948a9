// A configuration can never make weft run a program: the layers that read it (config, template,
// weave) cannot start processes, YAML cannot construct code, and what it names (import paths)
// reaches the go commands weft runs only as package patterns, never as flags.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { checkImportPath } from '../../../src/config/go-syntax.js';
import { goListArgs } from '../../../src/resolve/go-list.js';
import { loadText, oneAspect, REPO_ROOT } from './helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
}

it('config, template and weave code cannot start processes', () => {
  for (const layer of ['config', 'template', 'weave']) {
    for (const f of sources(join(REPO_ROOT, 'src', layer))) {
      const text = readFileSync(f, 'utf8');
      assert.doesNotMatch(text, /node:child_process|['"]child_process['"]|process\.binding|\bexecSync\b|\bspawn\(/, `${f} may start a process`);
    }
  }
});

it('YAML tags that construct code are not evaluated', async () => {
  await assert.rejects(loadText(oneAspect('package-name: !!js/function "function () { require(\'child_process\').execSync(\'touch /tmp/weft-pwned\') }"')));
  await assert.rejects(loadText(`${oneAspect('package-name: main')}command: ["sh", "-c", "touch /tmp/weft-pwned"]\n`),
    (e: Error & { details?: string[] }) => /unknown key.*command|command.*unknown|not allowed/i.test([e.message, ...(e.details ?? [])].join('\n')));
  assert.equal(existsSync('/tmp/weft-pwned'), false);
});

it('an import path can never become a flag of the go command', () => {
  assert.match(checkImportPath('-toolexec=/bin/sh') ?? '', /cannot start with `-`/);
  assert.match(checkImportPath('-x') ?? '', /cannot start with `-`/);
  const args = goListArgs(['-toolexec=/bin/sh', 'example.com/rt'], { flags: ['-race'], export: true, toolexec: '/shim' });
  assert.deepEqual(args.slice(args.indexOf('--')), ['--', '-toolexec=/bin/sh', 'example.com/rt']);
  assert.equal(args.filter((a) => a.startsWith('-toolexec=')).length, 2, 'one is weft\'s, one is a pattern after --');
});
