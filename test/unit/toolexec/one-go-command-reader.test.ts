// One reader of the go command: only src/toolexec/go-command-line.ts parses go's command line
// and GOFLAGS; every other module reads the GoCommand it makes. A second reader is how a flag
// given through one source (`go env -w GOFLAGS=-cover`) went unseen by the parts that read
// another, so the sources are searched for one.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const READER = 'src/toolexec/go-command-line.ts';

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts')) out.push(relative(root, p));
  }
  return out;
}

/** Lines of `file` matching `re`, as `file:line: text`. */
function hits(file: string, re: RegExp): string[] {
  return readFileSync(join(root, file), 'utf8').split('\n').flatMap((l, i) => (re.test(l) && !/^\s*(\/\/|\*|\/\*)/.test(l) ? [`${file}:${i + 1}: ${l.trim()}`] : []));
}

/** Where a GOFLAGS value may be read from an environment, and why it is not a second parser. */
const GOFLAGS_READERS: Record<string, string> = {
  [READER]: 'the reader itself',
  'src/weaving/prepare.ts': "takes GOFLAGS from `go env -json`'s answer and hands it to the reader",
  'src/resolve/inject.ts': 'picks which GOFLAGS text another go process of the build reads, and hands it to the reader',
  'src/diagnostics/doctor.ts': "reports `go env GOFLAGS` as it is, through the reader's -toolexec",
  'src/install/ensure-shim.ts': "removes GOFLAGS from the shim's own build",
};

test('only the go command reader parses go command lines and GOFLAGS', () => {
  const files = sources(join(root, 'src'));
  assert.ok(files.includes(READER) && files.length > 50, `found ${files.length} sources`);
  const found: string[] = [];
  for (const f of files) {
    if (f === READER) continue;
    // The reader's private parsers, a flag table of go's, or a regular expression for one of go's flags.
    found.push(...hits(f, /\b(parseGoCommand|parseGoflags|findToolexec|GO_VALUE_FLAGS)\b|\/\(\^\|\\s\)--\?|\/\^--\?(overlay|cover|toolexec|tags|o)\b/));
    if (GOFLAGS_READERS[f] === undefined) found.push(...hits(f, /\[['"]GOFLAGS['"]\]|\.GOFLAGS\b/));
    // Splitting a GOFLAGS-like value into words: the reader, and the -gcflags value's words.
    if (f !== 'src/toolexec/package-flags.ts') found.push(...hits(f, /\bsplitGoflags\(/));
  }
  assert.deepEqual(found, [], `read the go command through readGoCommand/modelGoCommand (${READER}) instead`);
});

test('the search finds a second reader', () => {
  // The patterns must match what they guard against, or the test above proves nothing.
  const re = /\b(parseGoCommand|parseGoflags|findToolexec|GO_VALUE_FLAGS)\b|\/\(\^\|\\s\)--\?|\/\^--\?(overlay|cover|toolexec|tags|o)\b/;
  assert.ok(re.test("  if ([...opts.goArgs, opts.env['GOFLAGS'] ?? ''].some((a) => /(^|\\s)--?overlay(=|$)/.test(a))) return null;"));
  assert.ok(re.test('  const flags = [...parseGoflags(env), ...parseGoCommand(args).flags];'));
  assert.ok(/\[['"]GOFLAGS['"]\]|\.GOFLAGS\b/.test("const g = opts.env['GOFLAGS'];"));
});
