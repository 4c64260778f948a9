//go:build unix

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

const replayFixtures = "../test/fixtures/replay"

// The key both sides compute (src/plan/replay-record.ts): the fixture's cases, byte for byte.
func TestReplayKeysFixture(t *testing.T) {
	var fixture struct {
		Cases []struct {
			Identity string            `json:"identity"`
			Cwd      string            `json:"cwd"`
			Args     []string          `json:"args"`
			Env      map[string]string `json:"env"`
			Goenv    string            `json:"goenv"`
			Key      string            `json:"key"`
		} `json:"cases"`
	}
	readFixture(t, "replay/keys.json", &fixture)
	if len(fixture.Cases) < 3 {
		t.Fatalf("%d cases", len(fixture.Cases))
	}
	for _, c := range fixture.Cases {
		env := []string{}
		for k, v := range c.Env {
			env = append(env, k+"="+v)
		}
		if got := replayKey(c.Identity, c.Cwd, c.Args, env, c.Goenv); got != c.Key {
			t.Errorf("%+v: key %s, Node's %s", c, got, c.Key)
		}
	}
}

// The record Node writes (test/unit/plan/replay-record.test.ts makes the fixture), read at its
// own root and at another one: paths under the root follow it.
func TestReplayRecordFixture(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(replayFixtures, "record.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{"/work/m", "/elsewhere/n"} {
		r, err := parseReplayRecord(body, "replay-0123", root)
		if err != nil {
			t.Fatal(err)
		}
		want := &replayRecord{
			cwd:    root + "/cmd",
			goPath: "/usr/local/go/bin/go",
			args:   []string{"build", "-trimpath", "-o", "/dev/null", "./x"},
			set:    []string{"GOFLAGS=-mod=mod"},
			unset:  []string{"WEFT_SHIM_MODE"},
			files: []replayFile{
				{path: root + "/go.mod", size: 12, sha256: strings.Repeat("a", 64)},
				{path: root + "/p q/x.go", size: 30, sha256: strings.Repeat("b", 64), header: strings.Repeat("d", 64), screen: 0},
				{path: root + "/p q/y.go", size: 31, sha256: strings.Repeat("e", 64), header: strings.Repeat("f", 64), screen: 1},
				{path: "/etc/weft.yml", size: 7, sha256: strings.Repeat("c", 64)},
			},
			screens: [][][]byte{{[]byte("//dd:span"), []byte(`"net/http"`)}, nil},
			absent:  []string{root + "/go.sum", root + "/weft.yml"},
			dirs:    []replayFile{{path: root, sha256: sha("cmd/go.mod/p q")}, {path: root + "/p q", sha256: sha("x.go/y.go")}},
			stats:   []replayStat{{path: "/usr/local/go/bin/go", size: 100, mtimeNs: 1787934006000000000}},
		}
		if !reflect.DeepEqual(r, want) {
			t.Errorf("at %s:\n got %+v\nwant %+v", root, r, want)
		}
	}
	if _, err := parseReplayRecord(body, "replay-other", "/work/m"); err == nil {
		t.Error("a record read under another key was accepted")
	}
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// replayModule is a module with two packages, a fake go that records how it ran (and runs
// $FAKE_GO_DO when set), a front end for `weft go <args>` in it, and the record Node would
// have written for that build.
type replayModule struct {
	root, cache, goPath, ran, goenv string
	f                               *front
	stderr                          *strings.Builder
	// screen, when set, makes the Go files gofile lines with this screen (else file lines).
	screen []string
}

func newReplayModule(t *testing.T, args ...string) *replayModule {
	t.Helper()
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m := &replayModule{root: filepath.Join(base, "mod"), cache: filepath.Join(base, "cache"), ran: filepath.Join(base, "ran"), goenv: filepath.Join(base, "goenv"), stderr: &strings.Builder{}}
	old := time.Now().Add(-time.Hour)
	for name, text := range map[string]string{"go.mod": "module m\n", "a/a.go": "package a\n", "b/b.go": "package b\n\nimport _ \"m/a\"\n"} {
		p := filepath.Join(m.root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(text), 0o644)
		os.Chtimes(p, old, old)
	}
	os.WriteFile(m.goenv, []byte("GOFLAGS=-mod=mod\n"), 0o644)
	m.goPath = filepath.Join(base, "go")
	os.WriteFile(m.goPath, []byte("#!/bin/sh\necho \"$@\" \"GOFLAGS=$GOFLAGS\" \"UNSET=${WEFT_SHIM_MODE-unset}\" >> "+m.ran+"\n${FAKE_GO_DO:+eval \"$FAKE_GO_DO\"}\nexit ${FAKE_GO_EXIT:-0}\n"), 0o755)
	writePointer(t, m.cache, "/pkg", "0.1.0+abc")
	m.f = &front{identity: "0.1.0+abc", pkgroot: "/pkg", args: args, env: []string{"PATH=/usr/bin:/bin", "CI=true", "WEFT_CACHE=" + m.cache, "GOENV=" + m.goenv, "WEFT_SHIM_MODE=planned"}, cwd: m.root, stderr: m.stderr}
	m.write(t)
	return m
}

// write stores the record of the module as it is now (what Node writes after a build).
func (m *replayModule) write(t *testing.T) {
	t.Helper()
	rel, _ := filepath.Rel(m.root, m.f.cwd)
	key := replayKey(m.f.identity, rel, m.f.args, m.f.env, goenvDigest(m.f.env))
	lines := []string{replayFormat, "key " + key, "cwd r " + rel, "go " + m.goPath}
	for _, a := range m.f.args {
		lines = append(lines, "arg "+a)
	}
	lines = append(lines, "set GOFLAGS=-mod=readonly", "unset WEFT_SHIM_MODE")
	if m.screen != nil {
		line := "screen"
		for _, n := range m.screen {
			line += " " + hex.EncodeToString([]byte(n))
		}
		lines = append(lines, line)
	}
	for _, f := range []string{"go.mod", "a/a.go", "b/b.go"} {
		data, err := os.ReadFile(filepath.Join(m.root, f))
		if err != nil {
			t.Fatal(err)
		}
		if header, ok := goHeader(data); ok && m.screen != nil && strings.HasSuffix(f, ".go") {
			lines = append(lines, "gofile "+strconv.Itoa(len(data))+" "+sha(string(data))+" "+sha(string(header))+" 0 r "+f)
			continue
		}
		lines = append(lines, "file "+strconv.Itoa(len(data))+" "+sha(string(data))+" r "+f)
	}
	lines = append(lines, "absent r go.sum", "absent r weft.yml")
	for _, d := range []string{".", "a", "b"} {
		names, _ := os.ReadDir(filepath.Join(m.root, d))
		var ns []string
		for _, n := range names {
			ns = append(ns, n.Name())
		}
		sort.Strings(ns)
		lines = append(lines, "dir "+sha(strings.Join(ns, "/"))+" r "+d)
	}
	fi, _ := os.Stat(m.goPath)
	lines = append(lines, "stat "+strconv.FormatInt(fi.Size(), 10)+" "+strconv.FormatInt(fi.ModTime().UnixNano(), 10)+" a "+m.goPath)
	writeStoreEntry(t, filepath.Join(m.cache, "weave"), key, []byte(strings.Join(lines, "\n")+"\n"))
}

// writeStoreEntry writes a weave cache entry as src/cache/store.ts does.
func writeStoreEntry(t *testing.T, weaveDir, key string, body []byte) string {
	t.Helper()
	dir := filepath.Join(weaveDir, "v1", key[:2])
	os.MkdirAll(dir, 0o700)
	p := filepath.Join(dir, key)
	header := "weft-cache 1 " + sha(string(body)) + " " + strconv.Itoa(len(body)) + " " + key + "\n"
	if err := os.WriteFile(p, append([]byte(header), body...), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (m *replayModule) goRuns(t *testing.T) []string {
	data, err := os.ReadFile(m.ran)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

func TestReplayRunsTheRecordedBuild(t *testing.T) {
	m := newReplayModule(t, "build", "-o", "/dev/null", "./b")
	stats := filepath.Join(t.TempDir(), "stats.json")
	m.f.env = append(m.f.env, "WEFT_STATS_JSON="+stats) // not part of the key
	if o := m.f.run(); o != (frontOutcome{code: 0}) {
		t.Fatalf("outcome %+v, stderr %q; want a replay", o, m.stderr.String())
	}
	// The recorded command, with the recorded environment changes (set and unset).
	if got, want := m.goRuns(t), []string{"build -o /dev/null ./b GOFLAGS=-mod=readonly UNSET=unset"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("go ran %q, want %q", got, want)
	}
	data, err := os.ReadFile(stats)
	if err != nil || !strings.Contains(string(data), `"planReuse":"replayed"`) {
		t.Fatalf("stats %q (%v): no replay marker", data, err)
	}
	// Go's exit code is the build's.
	m.f.env = append(m.f.env, "FAKE_GO_EXIT=3")
	if o := m.f.run(); o != (frontOutcome{code: 3}) {
		t.Fatalf("go failed: outcome %+v", o)
	}
}

// Whatever the record cannot vouch for goes to Node, and go does not run.
func TestReplayMisses(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, m *replayModule)
	}{
		{"a file changed, same size", func(t *testing.T, m *replayModule) {
			os.WriteFile(filepath.Join(m.root, "a/a.go"), []byte("package z\n"), 0o644)
		}},
		{"a file changed, times kept", func(t *testing.T, m *replayModule) {
			p := filepath.Join(m.root, "a/a.go")
			fi, _ := os.Stat(p)
			os.WriteFile(p, []byte("package a\n\nfunc F() {}\n"), 0o644)
			os.Chtimes(p, fi.ModTime(), fi.ModTime())
		}},
		{"a new file in a package directory", func(t *testing.T, m *replayModule) {
			os.WriteFile(filepath.Join(m.root, "a/new.go"), []byte("package a\n"), 0o644)
		}},
		{"a new directory in the module", func(t *testing.T, m *replayModule) {
			os.Mkdir(filepath.Join(m.root, "c"), 0o755)
		}},
		{"a file removed", func(t *testing.T, m *replayModule) {
			os.Remove(filepath.Join(m.root, "b/b.go"))
		}},
		{"a file that was absent appears", func(t *testing.T, m *replayModule) {
			os.WriteFile(filepath.Join(m.root, "go.sum"), nil, 0o644)
		}},
		{"an environment variable changed", func(t *testing.T, m *replayModule) {
			m.f.env = append(m.f.env, "GOFLAGS=-race")
		}},
		{"CI no longer set the same way", func(t *testing.T, m *replayModule) {
			m.f.env = append(m.f.env, "CI=1")
		}},
		{"the go env file changed", func(t *testing.T, m *replayModule) {
			os.WriteFile(m.goenv, []byte("GOFLAGS=-tags=x\n"), 0o644)
		}},
		{"another command line", func(t *testing.T, m *replayModule) {
			m.f.args = append(m.f.args, "-v")
		}},
		{"another identity", func(t *testing.T, m *replayModule) {
			m.f.identity = "0.1.1+def"
			writePointer(t, m.cache, "/pkg", "0.1.1+def")
		}},
		{"the go binary changed", func(t *testing.T, m *replayModule) {
			later := time.Now().Add(time.Minute)
			os.Chtimes(m.goPath, later, later)
		}},
		{"a go.work above the module", func(t *testing.T, m *replayModule) {
			os.WriteFile(filepath.Join(filepath.Dir(m.root), "go.work"), []byte("go 1.23\n\nuse ./mod\n"), 0o644)
		}},
		{"the record truncated", func(t *testing.T, m *replayModule) {
			p := recordPath(m)
			fi, _ := os.Stat(p)
			os.Truncate(p, fi.Size()-20)
		}},
		{"the record altered", func(t *testing.T, m *replayModule) {
			p := recordPath(m)
			data, _ := os.ReadFile(p)
			os.WriteFile(p, []byte(strings.Replace(string(data), "arg build", "arg bUild", 1)), 0o600)
		}},
		{"a record of a later format", func(t *testing.T, m *replayModule) {
			p := recordPath(m)
			data, _ := os.ReadFile(p)
			nl := strings.IndexByte(string(data), '\n')
			key := filepath.Base(p)
			writeStoreEntry(t, filepath.Join(m.cache, "weave"), key, append(data[nl+1:], []byte("vouch-for something\n")...))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newReplayModule(t, "build", "./b")
			c.change(t, m)
			m.f.env = append(m.f.env, "WEFT_REPLAY_DEBUG=1")
			if o := m.f.run(); o != toNode {
				t.Fatalf("outcome %+v; want node", o)
			}
			if runs := m.goRuns(t); len(runs) != 0 {
				t.Fatalf("go ran: %q", runs)
			}
			if !strings.Contains(m.stderr.String(), "no replay") {
				t.Fatalf("stderr %q: WEFT_REPLAY_DEBUG says nothing", m.stderr.String())
			}
		})
	}
}

func recordPath(m *replayModule) string {
	rel, _ := filepath.Rel(m.root, m.f.cwd)
	key := replayKey(m.f.identity, rel, m.f.args, m.f.env, goenvDigest(m.f.env))
	return filepath.Join(m.cache, "weave", "v1", key[:2], key)
}

// A checkout restored at another path replays its record: paths under the root follow it.
func TestReplayMovedCheckout(t *testing.T) {
	m := newReplayModule(t, "build", "./b")
	moved := filepath.Join(filepath.Dir(m.root), "moved")
	if err := os.Rename(m.root, moved); err != nil {
		t.Fatal(err)
	}
	m.f.cwd = filepath.Join(moved, "b")
	m.f.args = []string{"build", "."}
	if o := m.f.run(); o != toNode {
		t.Fatalf("from another directory of the module: %+v, want node (another key)", o)
	}
	m.f.cwd, m.f.args = moved, []string{"build", "./b"}
	if o := m.f.run(); o != (frontOutcome{code: 0}) {
		t.Fatalf("moved: outcome %+v, stderr %q; want a replay", o, m.stderr.String())
	}
}

// Inputs that change while go runs: a build goes to Node (which builds from the files as they
// are); a test already ran, so it fails instead of running twice.
func TestReplayInputsChangedWhileGoRan(t *testing.T) {
	for _, sub := range []string{"build", "test"} {
		m := newReplayModule(t, sub, "./b")
		m.f.env = append(m.f.env, "FAKE_GO_DO=echo '// edited' >> "+filepath.Join(m.root, "a/a.go"))
		o := m.f.run()
		if len(m.goRuns(t)) != 1 {
			t.Fatalf("%s: go ran %q", sub, m.goRuns(t))
		}
		switch sub {
		case "build":
			if o != toNode {
				t.Fatalf("build: outcome %+v, want node", o)
			}
		case "test":
			if o != (frontOutcome{code: 1}) || !strings.Contains(m.stderr.String(), "files changed while go ran") {
				t.Fatalf("test: outcome %+v, stderr %q", o, m.stderr.String())
			}
		}
	}
}

// A racy file (a time too recent to vouch) is hashed again after go: a same-size rewrite that
// keeps the time is still seen.
func TestReplayRacyFileRehashed(t *testing.T) {
	m := newReplayModule(t, "build", "./b")
	p := filepath.Join(m.root, "a/a.go")
	now := time.Now()
	os.Chtimes(p, now, now)
	m.write(t)
	m.f.env = append(m.f.env, "FAKE_GO_DO=printf 'package z\\n' > "+p+"; touch -d @"+strconv.FormatInt(now.Unix(), 10)+"."+strconv.Itoa(now.Nanosecond())+" "+p)
	if o := m.f.run(); o != toNode {
		t.Fatalf("outcome %+v, want node", o)
	}
}

// An edit to a Go file that keeps its header and adds none of its screen's strings leaves the
// recorded decision standing: go runs as recorded (and compiles the edit); any other edit goes
// to Node.
func TestReplayEditedGoFiles(t *testing.T) {
	body := "package a\n\nfunc F() int { return 2 }\n"
	cases := []struct {
		name, text string
		replays    bool
	}{
		{"a body edit", body, true},
		{"a body edit of the same size", "package a\n\n// 1\n", true},
		{"an edit adding a string an aspect looks for", "package a\n\nfunc NoSuchFunction() {}\n", false},
		{"an edit adding an import", "package a\n\nimport \"fmt\"\n\nvar _ = fmt.Sprint\n", false},
		{"an edit changing the package clause", "package z\n", false},
		{"an edit adding a build constraint", "//go:build ignore\n\npackage a\n", false},
		{"an edit whose header this side cannot read", "package \u00e4\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newReplayModule(t, "build", "./b")
			m.screen = []string{"NoSuchFunction"}
			m.write(t)
			stats := filepath.Join(t.TempDir(), "stats.json")
			m.f.env = append(m.f.env, "WEFT_REPLAY_DEBUG=1", "WEFT_STATS_JSON="+stats)
			os.WriteFile(filepath.Join(m.root, "a/a.go"), []byte(c.text), 0o644)
			o := m.f.run()
			if !c.replays {
				if o != toNode || len(m.goRuns(t)) != 0 {
					t.Fatalf("outcome %+v, go ran %q; want node", o, m.goRuns(t))
				}
				return
			}
			if o != (frontOutcome{code: 0}) || len(m.goRuns(t)) != 1 {
				t.Fatalf("outcome %+v, stderr %q; want a replay", o, m.stderr.String())
			}
			data, _ := os.ReadFile(stats)
			if !strings.Contains(string(data), `"edited":1`) {
				t.Fatalf("stats %s: the edit is not counted", data)
			}
		})
	}
	// Without a screen (a package no string decides), any content change goes to Node.
	m := newReplayModule(t, "build", "./b")
	os.WriteFile(filepath.Join(m.root, "a/a.go"), []byte(body), 0o644)
	if o := m.f.run(); o != toNode {
		t.Fatalf("no screen: outcome %+v; want node", o)
	}
}

// An edited file let through is checked after go against its new content: changed again while
// go ran, the build goes to Node.
func TestReplayEditedFileChangedWhileGoRan(t *testing.T) {
	m := newReplayModule(t, "build", "./b")
	m.screen = []string{"NoSuchFunction"}
	m.write(t)
	p := filepath.Join(m.root, "a/a.go")
	os.WriteFile(p, []byte("package a\n\nvar X = 1\n"), 0o644)
	now := time.Now()
	m.f.env = append(m.f.env, "FAKE_GO_DO=printf 'package a\\n\\nvar X = 2\\n' > "+p+"; touch -d @"+strconv.FormatInt(now.Unix(), 10)+"."+strconv.Itoa(now.Nanosecond())+" "+p)
	if o := m.f.run(); o != toNode || len(m.goRuns(t)) != 1 {
		t.Fatalf("outcome %+v, go ran %q; want go once, then node", o, m.goRuns(t))
	}
}
