// Immutable plan snapshots: a daemon's kept plan is used by several builds at once; what one
// build adds to its snapshot (the woven files of an overlay build, the files a re-screen read)
// must not change the snapshot another build holds and checks after its go run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListedPackage } from '../../../src/resolve/go-list.js';
import { withWovenSnapshot } from '../../../src/plan/overlay-mode.js';
import { freezePlan, PlanSnapshot, stampFiles, type BuildPlan, type Verdict } from '../../../src/plan/plan.js';
import { emptyWeaveStats } from '../../../src/weave/api.js';

test('a build holding a kept plan sees its snapshot unchanged while a second build of the same plan adds to it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-snapshot-'));
  try {
    const file = join(dir, 'greet.go');
    writeFileSync(file, 'package greet\n\nfunc Hello() string { return "before" }\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const p: ListedPackage = { ImportPath: 'm/greet', Name: 'greet', Dir: dir, GoFiles: ['greet.go'], Module: { Path: 'm', Main: true, Dir: dir } };
    const verdict: Verdict = { reason: 'woven', linkDeps: false, result: { files: [{ original: file, text: 'woven' }], extraFiles: [], addedImports: [], linkDeps: [], lang: '', aspects: ['a'], stats: emptyWeaveStats() } };
    const stamps = stampFiles([file]);
    const kept = freezePlan({ packages: new Map([[p.ImportPath, p]]), verdicts: new Map([[p.ImportPath, verdict]]), userOverlay: {}, snapshot: PlanSnapshot.EMPTY, stamps } as unknown as BuildPlan);
    // Build A takes the kept plan for an overlay build, then waits before go.
    const a = withWovenSnapshot(kept);
    assert.deepEqual(a.snapshot.changedPackages(), []);
    // The woven file is saved; build B re-screens it (same verdict) and takes the plan with the new stamps.
    writeFileSync(file, 'package greet\n\nfunc Hello() string { return "after!" }\n');
    const b = withWovenSnapshot(freezePlan({ ...kept, stamps: stampFiles([file]) }));
    assert.deepEqual(b.snapshot.changedPackages(), [], 'B built from what is on disk');
    // A's go compiled the overlay's old weave: its check must still see the save.
    assert.deepEqual(a.snapshot.changedPackages(), ['m/greet'], 'the snapshot A holds is unchanged by B');
    assert.equal(kept.snapshot.size, 0, 'the kept plan itself is unchanged');
    assert.ok(Object.isFrozen(kept) && Object.isFrozen(a.snapshot));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
