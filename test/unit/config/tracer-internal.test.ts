// The tracer-internal table, row by row, and its effect on which aspects a package is planned with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weavingScopeOf } from '../../../src/config/index.js';
import { planAspects } from '../../../src/weave/index.js';
import { loadText, META } from './helpers.js';

describe('tracer-internal table', () => {
  const rows: [string, string][] = [
    // orchestrion's runtime is ordinary, the rest of orchestrion receives nothing
    ['github.com/DataDog/orchestrion/runtime/built', 'all'],
    ['github.com/DataDog/orchestrion/runtime', 'all'],
    ['github.com/DataDog/orchestrion', 'none'],
    ['github.com/DataDog/orchestrion/internal/injector', 'none'],
    // dd-trace-go v1, v2 and the contrib modules: tracer-internal aspects only
    ['gopkg.in/DataDog/dd-trace-go.v1', 'tracer-internal'],
    ['gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer', 'tracer-internal'],
    ['github.com/DataDog/dd-trace-go/v2/ddtrace/tracer', 'tracer-internal'],
    ['github.com/DataDog/dd-trace-go/v2/internal/orchestrion', 'tracer-internal'],
    ['github.com/DataDog/dd-trace-go/contrib/net/http/v2', 'tracer-internal'],
    ['github.com/DataDog/dd-trace-go/v2/ddtrace/tracer_test', 'tracer-internal'],
    // the integration test suite is an application
    ['github.com/DataDog/dd-trace-go/v2/internal/orchestrion/_integration', 'all'],
    ['github.com/DataDog/dd-trace-go/v2/internal/orchestrion/_integration/net/http', 'all'],
    ['github.com/DataDog/dd-trace-go/internal/orchestrion/_integration/gin', 'all'],
    // go-tuf's client exactly, not its neighbours
    ['github.com/DataDog/go-tuf/client', 'none'],
    ['github.com/DataDog/go-tuf/client/sub', 'all'],
    ['github.com/DataDog/go-tuf', 'all'],
    // prefixes match whole path elements only
    ['github.com/DataDog/dd-trace-go-extra/pkg', 'all'],
    ['github.com/DataDog/orchestrionx', 'all'],
    ['net/http', 'all'],
    ['main', 'all'],
  ];
  for (const [path, scope] of rows) {
    it(`${path} → ${scope}`, () => assert.equal(weavingScopeOf(path), scope));
  }

  it('plans only tracer-internal aspects inside the tracer, none inside orchestrion, all elsewhere', async () => {
    const config = await loadText(`${META}aspects:
  - id: ordinary
    join-point: {function-call: fmt.Println}
    advice: {add-blank-import: unsafe}
  - id: internal
    tracer-internal: true
    join-point: {function-call: fmt.Println}
    advice: {add-blank-import: unsafe}
`);
    assert.equal(config.aspects[1]!.tracerInternal, true);
    assert.equal(config.aspects[0]!.tracerInternal, undefined);
    const plan = (importPath: string) =>
      planAspects(config.aspects, { importPath, packageName: 'p', isTestMain: false, moduleRoot: '', toolexecImportPath: importPath }).map((p) => [p.aspect.id, p.index]);
    assert.deepEqual(plan('example.com/app'), [['ordinary', 0], ['internal', 1]]);
    // the declaration index is kept: advice ordering falls back on it
    assert.deepEqual(plan('github.com/DataDog/dd-trace-go/v2/ddtrace/tracer'), [['internal', 1]]);
    assert.deepEqual(plan('github.com/DataDog/orchestrion/internal/version'), []);
  });
});
