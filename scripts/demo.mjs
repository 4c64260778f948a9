// `npm run demo`: builds examples/hello-service under weft, shows what weft.yml wove into it,
// runs the service, calls it, and shows what the woven code did. Then builds again to show
// that an identical build is served entirely from the Go build cache.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = join(root, 'examples', 'hello-service');
const weft = join(root, 'bin', 'weft.js');
const out = mkdtempSync(join(tmpdir(), 'weft-demo-'));
const binary = join(out, 'hello-service');

function section(title) {
  console.log(`\n=== ${title}`);
}

function weftSync(args, opts = {}) {
  const r = spawnSync(process.execPath, [weft, ...args], { cwd: example, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`demo: weft ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
  return r;
}

function fetchText(url) {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve(`${res.statusCode} ${body.trimEnd()}`));
    }).on('error', reject);
  });
}

if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
  console.error('demo: the demo builds a Go service: install Go ≥ 1.23 and put it on PATH');
  process.exit(2);
}

try {
  const config = join(example, 'weft.yml');
  const hasConfig = existsSync(config);
  section(hasConfig ? 'the aspects (examples/hello-service/weft.yml)' : 'no weft.yml yet: the pipeline runs, nothing is woven');
  if (hasConfig) console.log(readFileSync(config, 'utf8').trimEnd());

  section('weft go build --weft-stats -o <tmp>/hello-service .');
  let t = Date.now();
  weftSync(['go', 'build', '--weft-stats', '-o', binary, '.']);
  console.log(`(built in ${Date.now() - t} ms)`);

  if (hasConfig) {
    section('what was woven into main.go (weft weave, the same code path as the build)');
    weftSync(['weave', '--config', config, '--import-path', 'main', join(example, 'main.go')]);
  }

  section('running the service and calling it');
  const svc = spawn(binary, [], { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  svc.stderr.setEncoding('utf8').on('data', (c) => (logs += c));
  const base = await new Promise((resolve, reject) => {
    let text = '';
    svc.stdout.setEncoding('utf8').on('data', (c) => {
      text += c;
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (m) resolve(m[1]);
    });
    svc.once('exit', (code) => reject(new Error(`the service exited (${code}) before listening:\n${logs}`)));
    setTimeout(() => reject(new Error('the service did not start within 10 s')), 10_000).unref();
  });
  for (const path of ['/hello?name=weft', '/health']) console.log(`GET ${path} -> ${await fetchText(base + path)}`);
  await new Promise((r) => setTimeout(r, 100));
  svc.kill('SIGTERM');
  console.log('service log (stderr; lines starting with "weft:" come from woven code):');
  console.log(logs.trimEnd().split('\n').map((l) => `  ${l}`).join('\n') || '  (empty)');

  section('building again: an identical build sends no compile request to weft');
  t = Date.now();
  weftSync(['go', 'build', '--weft-stats', '-o', binary, '.']);
  console.log(`(built in ${Date.now() - t} ms)`);
  // The first build started the module's warm daemon (the second went through it): a demo
  // leaves nothing running.
  console.log('stopping the warm daemon the first build started (weft daemon stop):');
  weftSync(['daemon', 'stop']);
} finally {
  rmSync(out, { recursive: true, force: true });
}
