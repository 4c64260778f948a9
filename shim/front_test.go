//go:build unix

package main

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// send writes one daemon message: pairs of key and value (string, int, bool or []string).
func send(t *testing.T, c net.Conn, pairs ...any) {
	t.Helper()
	buf := appendFrame(nil, func(e *encoder) {
		e.writeMapHeader(len(pairs) / 2)
		for i := 0; i < len(pairs); i += 2 {
			e.writeStr(pairs[i].(string))
			switch v := pairs[i+1].(type) {
			case string:
				e.writeStr(v)
			case int:
				e.writeInt(int64(v))
			case bool:
				e.writeBool(v)
			case []string:
				e.writeStrings(v)
			default:
				t.Fatalf("send: unsupported value %T", v)
			}
		}
	})
	if _, err := c.Write(buf); err != nil {
		t.Errorf("fake daemon: write: %v", err)
	}
}

func receive(t *testing.T, c net.Conn) fields {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	v, err := readFrame(c)
	if err != nil {
		t.Errorf("fake daemon: read: %v", err)
		return fields{m: &omap{}}
	}
	m, err := asFields(v, "front message")
	if err != nil {
		t.Errorf("fake daemon: %v", err)
	}
	return m
}

// module makes a directory with a go.mod in a private runtime directory's test tree and points
// XDG_RUNTIME_DIR at a fresh directory.
func module(t *testing.T) string {
	t.Helper()
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "mod")
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n"), 0o644)
	t.Setenv("XDG_RUNTIME_DIR", filepath.Join(base, "run"))
	os.Mkdir(filepath.Join(base, "run"), 0o700)
	return dir
}

// fakeDaemon listens where the front end looks for moduleDir's daemon and serves one
// connection with serve, which gets the build message.
func fakeDaemon(t *testing.T, moduleDir string, serve func(c net.Conn, build fields)) <-chan struct{} {
	t.Helper()
	rd, err := runtimeDir()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", filepath.Join(rd, "daemon-"+daemonKey(moduleDir)+".sock"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer ln.Close()
		c, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return // the test is over; it checks whether the front end came
		}
		if err != nil {
			t.Errorf("fake daemon: accept: %v", err)
			return
		}
		defer c.Close()
		serve(c, receive(t, c))
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return done
}

// newFront is a front end run in dir, with go's stdout and stderr going to files in a temp dir.
func newFront(t *testing.T, dir string, args ...string) (*front, *bytes.Buffer, string) {
	t.Helper()
	var stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "go-output")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	cache := t.TempDir()
	writePointer(t, cache, "/pkg", "0.1.0+abc")
	fr := &front{identity: "0.1.0+abc", pkgroot: "/pkg", args: args, env: []string{"A=1", "WEFT_CACHE=" + cache}, cwd: dir, stderr: &stderr, files: []*os.File{nil, f, f}}
	return fr, &stderr, out
}

// writePointer writes the front-end pointer of pkgroot (the shim path does not matter here),
// with extra lines after the identity.
func writePointer(t *testing.T, cache, pkgroot, identity string, extra ...string) {
	t.Helper()
	os.MkdirAll(filepath.Join(cache, "front"), 0o755)
	content := "/bin/weft-shim\n" + identity + "\n"
	for _, l := range extra {
		content += l + "\n"
	}
	if err := os.WriteFile(filepath.Join(cache, "front", strings.ReplaceAll(pkgroot, "/", "%")), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func shortTimeouts(t *testing.T, answer time.Duration) {
	old := frontAnswerTimeout
	frontAnswerTimeout = answer
	t.Cleanup(func() { frontAnswerTimeout = old })
}

func TestFrontRunsGoAsTheDaemonSays(t *testing.T) {
	mod := module(t)
	goDirSeen := t.TempDir()
	var doneMsg fields
	fakeDaemon(t, mod, func(c net.Conn, b fields) {
		for k, want := range map[string]string{"t": "build", "identity": "0.1.0+abc", "cwd": mod} {
			if got, _ := b.str(k); got != want {
				t.Errorf("build.%s = %q, want %q", k, got, want)
			}
		}
		if args, _ := b.strings("args"); strings.Join(args, " ") != "build --weft-stats ./..." {
			t.Errorf("build.args = %q", args)
		}
		if env, _ := b.strings("env"); len(env) != 2 || env[0] != "A=1" || !strings.HasPrefix(env[1], "WEFT_CACHE=") {
			t.Errorf("build.env = %q", env)
		}
		if _, err := b.bool("stderrTTY"); err != nil {
			t.Error(err)
		}
		if _, err := b.bool("stdoutTTY"); err != nil {
			t.Error(err)
		}
		send(t, c, "t", "stderr", "text", "planning\n")
		send(t, c, "t", "run", "id", "r1", "go", "/bin/sh", "args", []string{"-c", `echo "$GOTEST_V in $(pwd)"; exit 3`}, "env", []string{"GOTEST_V=from-daemon", "PATH=/usr/bin:/bin"}, "dir", goDirSeen)
		doneMsg = receive(t, c)
		send(t, c, "t", "stderr", "text", "weft stats: warm\n")
		send(t, c, "t", "exit", "code", 5)
	})
	f, stderr, out := newFront(t, mod, "build", "--weft-stats", "./...")
	o := f.run()
	if o != (frontOutcome{code: 5}) {
		t.Fatalf("outcome %+v, want exit 5 (the daemon's code)", o)
	}
	if got := stderr.String(); got != "planning\nweft stats: warm\n" {
		t.Errorf("stderr %q", got)
	}
	if data, _ := os.ReadFile(out); string(data) != "from-daemon in "+goDirSeen+"\n" {
		t.Errorf("go's output %q: it did not run with the daemon's env and dir", data)
	}
	if tag, _ := doneMsg.str("t"); tag != "done" {
		t.Fatalf("after go the front sent %q, want done", tag)
	}
	id, _ := doneMsg.str("id")
	code, _ := doneMsg.int("code")
	wall, err := doneMsg.int("wallMs")
	if id != "r1" || code != 3 || err != nil || wall < 0 {
		t.Errorf("done = id %q code %d wallMs %d (%v), want r1 3", id, code, wall, err)
	}
}

func TestFrontExitCodeOfAGoKilledByASignal(t *testing.T) {
	mod := module(t)
	var code int64 = -1
	fakeDaemon(t, mod, func(c net.Conn, b fields) {
		send(t, c, "t", "run", "id", "r", "go", "/bin/sh", "args", []string{"-c", "kill -TERM $$"}, "env", []string{}, "dir", mod)
		code, _ = receive(t, c).int("code")
		send(t, c, "t", "exit", "code", int(code))
	})
	f, _, _ := newFront(t, mod, "build")
	if o := f.run(); o.code != 128+15 || code != 128+15 {
		t.Fatalf("outcome %+v, done code %d; want 143 (128+SIGTERM) for both", o, code)
	}
}

func TestFrontFallback(t *testing.T) {
	for _, warn := range []bool{true, false} {
		mod := module(t)
		fakeDaemon(t, mod, func(c net.Conn, b fields) {
			send(t, c, "t", "stderr", "text", "")
			send(t, c, "t", "fallback", "reason", "go.work is not supported", "warn", warn)
		})
		f, stderr, _ := newFront(t, mod, "build")
		if o := f.run(); o != (frontOutcome{node: true, off: true}) {
			t.Fatalf("warn=%v: outcome %+v, want node with WEFT_DAEMON=off", warn, o)
		}
		want := ""
		if warn {
			want = "weft: go.work is not supported; building without the daemon\n"
		}
		if stderr.String() != want {
			t.Errorf("warn=%v: stderr %q, want %q", warn, stderr.String(), want)
		}
	}
}

func TestFrontReplace(t *testing.T) {
	mod := module(t)
	rd, _ := runtimeDir()
	socket := filepath.Join(rd, "daemon-"+daemonKey(mod)+".sock")
	gone := make(chan time.Time, 1)
	fakeDaemon(t, mod, func(c net.Conn, b fields) {
		send(t, c, "t", "replace", "reason", "weft was upgraded")
		// The old daemon takes a moment to go; Node must find its socket gone, not refusing.
		time.Sleep(200 * time.Millisecond)
		removing := time.Now()
		os.Remove(socket)
		gone <- removing
	})
	f, stderr, _ := newFront(t, mod, "build")
	if o := f.run(); o != toNode || stderr.Len() != 0 {
		t.Fatalf("outcome %+v, stderr %q; want node without WEFT_DAEMON=off and no warning", o, stderr.String())
	}
	returned := time.Now()
	if removing := <-gone; returned.Before(removing) {
		t.Fatal("the front end handed over to Node before the old daemon removed its socket")
	}
}

func TestFrontNoDaemon(t *testing.T) {
	mod := module(t)
	f, stderr, _ := newFront(t, mod, "build")
	if o := f.run(); o != toNode || stderr.Len() != 0 {
		t.Fatalf("no socket: outcome %+v, stderr %q; want node (which starts a daemon) quietly", o, stderr.String())
	}
	// A daemon that died left its socket: nobody accepts, Node replaces it.
	rd, _ := runtimeDir()
	ln, err := net.Listen("unix", filepath.Join(rd, "daemon-"+daemonKey(mod)+".sock"))
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	if o := f.run(); o != toNode || stderr.Len() != 0 {
		t.Fatalf("stale socket: outcome %+v, stderr %q; want node quietly", o, stderr.String())
	}
	// No go.mod above the directory: no daemon to ask.
	f, stderr, _ = newFront(t, filepath.Dir(filepath.Dir(mod)), "build")
	if o := f.run(); o != toNode || stderr.Len() != 0 {
		t.Fatalf("no module: outcome %+v, stderr %q", o, stderr.String())
	}
}

func TestFrontLeavesToNodeWhatTheDaemonDoesNotServe(t *testing.T) {
	mod := module(t)
	fakeDaemon(t, mod, func(c net.Conn, b fields) { t.Error("the front end asked the daemon") })
	for _, c := range []struct {
		what string
		env  []string
		args []string
	}{
		{"--weft-daemon=off", nil, []string{"build", "--weft-daemon=off"}},
		{"WEFT_DAEMON=0", []string{"WEFT_DAEMON=0"}, []string{"build"}},
		{"a setting Node refuses", []string{"WEFT_DAEMON=maybe"}, []string{"build"}},
		{"CI", []string{"CI=true"}, []string{"build"}},
		{"go env", nil, []string{"env", "GOMOD"}},
		{"-C without a subcommand", nil, []string{"-C", "x"}},
	} {
		f, stderr, _ := newFront(t, mod, c.args...)
		f.env = append(f.env, c.env...)
		if o := f.run(); o != toNode || stderr.Len() != 0 {
			t.Errorf("%s: outcome %+v, stderr %q; want node quietly", c.what, o, stderr.String())
		}
	}
}

func TestDaemonWanted(t *testing.T) {
	for _, c := range []struct {
		args, env []string
		want      bool
	}{
		{nil, nil, true},
		{nil, []string{"CI=1"}, false},
		{nil, []string{"CI=False"}, true},
		{nil, []string{"CI=1", "WEFT_DAEMON=on"}, true},
		{[]string{"--weft-daemon"}, []string{"CI=1"}, true},
		{[]string{"--weft-daemon=TRUE"}, []string{"WEFT_DAEMON=off"}, true},
		{[]string{"-weft-daemon=no"}, nil, false},
		{[]string{"--", "--weft-daemon=off"}, nil, true},
		{nil, []string{"WEFT_DAEMON=off", "WEFT_DAEMON="}, true},
	} {
		if got := daemonWanted(c.args, c.env); got != c.want {
			t.Errorf("daemonWanted(%q, %q) = %v", c.args, c.env, got)
		}
	}
}

// A progress line is Node's to draw: such a build leaves the Go front end, others stay.
func TestProgressWanted(t *testing.T) {
	for _, c := range []struct {
		args, env []string
		terminal  bool
		want      bool
	}{
		{[]string{"build", "."}, nil, true, true},
		{[]string{"build", "."}, nil, false, false},
		{[]string{"run", "."}, nil, true, false},
		{[]string{"--weft-progress", "run", "."}, nil, true, false},
		{[]string{"-C", "dir", "test", "./..."}, []string{"WEFT_PROGRESS=off"}, true, false},
		{[]string{"build", "."}, []string{"WEFT_PROGRESS=on"}, false, true},
		{[]string{"--weft-progress", "build", "."}, []string{"WEFT_PROGRESS=off"}, false, true},
		{[]string{"--weft-progress=No", "build", "."}, nil, true, false},
		{[]string{"--weft-progress=auto", "vet", "."}, []string{"WEFT_PROGRESS=on"}, false, false},
		{[]string{"build", "--", "--weft-progress"}, nil, false, false},
	} {
		if got := progressWanted(c.args, c.env, c.terminal); got != c.want {
			t.Errorf("progressWanted(%q, %q, %v) = %v", c.args, c.env, c.terminal, got)
		}
	}
}

// The pointer's stamps tie the identity bin/weft passed to the installed files: a weft
// reinstalled or rebuilt since makes the front end leave the build to Node, which knows the new
// identity (and replaces the old daemon), instead of letting an old daemon serve it.
func TestFrontChecksThePointerStamps(t *testing.T) {
	mod := module(t)
	file := filepath.Join(t.TempDir(), "identity.js")
	stampOf := func() string {
		fi, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		return "stamp " + strconv.FormatUint(uint64(fi.Sys().(*syscall.Stat_t).Ino), 10) + " " + strconv.FormatInt(fi.Size(), 10) + " " + strconv.FormatInt(fi.ModTime().UnixNano(), 10) + " " + file
	}
	os.WriteFile(file, []byte("v1"), 0o644)
	old := stampOf()
	// A daemon that answers exit 0 to one build: the stale cases below must not reach it.
	fakeDaemon(t, mod, func(c net.Conn, b fields) { send(t, c, "t", "exit", "code", 0) })
	f, stderr, _ := newFront(t, mod, "build")
	cache := strings.TrimPrefix(f.env[1], "WEFT_CACHE=")

	writePointer(t, cache, "/pkg", "0.1.0+other", old)
	if o := f.run(); o != toNode {
		t.Fatalf("pointer with another identity: outcome %+v, want node", o)
	}
	os.WriteFile(file, []byte("v2 rebuilt"), 0o644)
	os.Chtimes(file, time.Now(), time.Now().Add(time.Hour))
	writePointer(t, cache, "/pkg", "0.1.0+abc", old)
	if o := f.run(); o != toNode {
		t.Fatalf("file changed since the stamp: outcome %+v, want node", o)
	}
	writePointer(t, cache, "/pkg", "0.1.0+abc", stampOf(), "a-later-line the front end ignores")
	if o := f.run(); o != (frontOutcome{code: 0}) || stderr.Len() != 0 {
		t.Fatalf("fresh stamps: outcome %+v, stderr %q; want the daemon's exit 0", o, stderr.String())
	}
}

func TestFrontWedgedDaemon(t *testing.T) {
	shortTimeouts(t, 300*time.Millisecond)
	mod := module(t)
	fakeDaemon(t, mod, func(c net.Conn, b fields) {
		time.Sleep(time.Second)
	})
	f, stderr, _ := newFront(t, mod, "build")
	if o := f.run(); o != (frontOutcome{node: true, off: true}) {
		t.Fatalf("outcome %+v, want node with WEFT_DAEMON=off", o)
	}
	want := "weft: the daemon for " + mod + " did not answer (no answer within 300ms); building without it\n"
	if stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}

func TestFrontHeartbeatsKeepTheBuildAlive(t *testing.T) {
	shortTimeouts(t, 300*time.Millisecond)
	mod := module(t)
	fakeDaemon(t, mod, func(c net.Conn, b fields) {
		// Three times the answer timeout in all, never more than a third of it without a frame.
		for i := 0; i < 9; i++ {
			time.Sleep(100 * time.Millisecond)
			send(t, c, "t", "stderr", "text", "")
		}
		send(t, c, "t", "exit", "code", 0)
	})
	f, stderr, _ := newFront(t, mod, "build")
	if o := f.run(); o != (frontOutcome{code: 0}) || stderr.Len() != 0 {
		t.Fatalf("outcome %+v, stderr %q; want exit 0 and no output", o, stderr.String())
	}
}

func TestFrontDaemonGoneBeforeRun(t *testing.T) {
	mod := module(t)
	fakeDaemon(t, mod, func(c net.Conn, b fields) {
		send(t, c, "t", "stderr", "text", "planning\n")
	})
	f, stderr, _ := newFront(t, mod, "build")
	if o := f.run(); o != (frontOutcome{node: true, off: true}) {
		t.Fatalf("outcome %+v, want node with WEFT_DAEMON=off", o)
	}
	want := "planning\nweft: the daemon for " + mod + " did not answer (the server closed the connection (EOF)); building without it\n"
	if stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}

func TestFrontDaemonGoneAfterRun(t *testing.T) {
	mod := module(t)
	fakeDaemon(t, mod, func(c net.Conn, b fields) {
		send(t, c, "t", "run", "id", "r", "go", "/bin/sh", "args", []string{"-c", "sleep 0.2; exit 4"}, "env", []string{}, "dir", mod)
	})
	f, stderr, _ := newFront(t, mod, "build")
	if o := f.run(); o != (frontOutcome{code: 4}) {
		t.Fatalf("outcome %+v, want go's exit code 4", o)
	}
	if n := strings.Count(stderr.String(), "\n"); n != 1 || !strings.HasPrefix(stderr.String(), "weft: daemon lost during the build: ") {
		t.Errorf("stderr %q, want one warning", stderr.String())
	}
}

func TestFrontFindsTheModuleOfDashC(t *testing.T) {
	for _, args := range [][]string{{"-C", "sub", "build"}, {"-C=sub", "build"}, {"--weft-mode", "planned", "-C", "sub", "build"}} {
		base := module(t)
		mod := filepath.Join(base, "sub")
		os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/sub\n"), 0o644)
		fakeDaemon(t, mod, func(c net.Conn, b fields) {
			send(t, c, "t", "exit", "code", 9)
		})
		f, _, _ := newFront(t, base, args...)
		if o := f.run(); o.code != 9 {
			t.Errorf("%q: outcome %+v; did not reach the daemon of %s", args, o, mod)
		}
	}
}

func TestGoDir(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"build", "./..."}, "/w"},
		{[]string{"-C", "a/b", "build"}, "/w/a/b"},
		{[]string{"-C=/abs", "build"}, "/abs"},
		{[]string{"--C", "../x", "test"}, "/x"},
		// After the subcommand: the Node front and the daemon do not read it there either.
		{[]string{"build", "-C", "a"}, "/w"},
		{[]string{"--weft-config=c.yml", "-C", "a", "build"}, "/w/a"},
		{[]string{"--weft-config", "c.yml", "-C", "a", "build"}, "/w/a"},
		{[]string{"build", "--", "-C", "a"}, "/w"},
	} {
		if got := goDir(c.args, "/w"); got != c.want {
			t.Errorf("goDir(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}

func TestDaemonKeyMatchesNode(t *testing.T) {
	// node -e "console.log(require('crypto').createHash('sha256').update('/home/u/src/app').digest('hex').slice(0,16))"
	if got := daemonKey("/home/u/src/app"); got != "bb40879b78960cda" {
		t.Fatalf("daemonKey = %s", got)
	}
}

// The whole process: exec of node with the right argv and env, and signals passed on to go.
// The test binary plays the shim (TestMain runs main when WEFT_FRONT_TEST_MAIN is set).
func TestMain(m *testing.M) {
	if os.Getenv("WEFT_FRONT_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func frontProcess(t *testing.T, dir string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	writePointer(t, cache, "/pkg/root", "0.1.0+abc")
	cmd := exec.Command(self, append([]string{"--weft-front", "0.1.0+abc", "/pkg/root", "go"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"WEFT_FRONT_TEST_MAIN=1", "WEFT_CACHE=" + cache, "CI=", "WEFT_DAEMON="}, env...)...)
	return cmd
}

// fakeNode puts a `node` on PATH that records its arguments and WEFT_DAEMON.
func fakeNode(t *testing.T) (pathEnv, record string) {
	bin := t.TempDir()
	record = filepath.Join(bin, "record")
	script := "#!/bin/sh\nprintf '%s\\n' \"$*\" \"WEFT_DAEMON=${WEFT_DAEMON-unset}\" > " + record + "\nexit 6\n"
	if err := os.WriteFile(filepath.Join(bin, "node"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return "PATH=" + bin + ":/usr/bin:/bin", record
}

func TestFrontProcessExecsNode(t *testing.T) {
	mod := module(t)
	path, record := fakeNode(t)
	cmd := frontProcess(t, mod, []string{path, "WEFT_DAEMON=on"}, "build", "-o", "x y")
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 6 {
		t.Fatalf("front end: %v; want node's exit code 6", err)
	}
	data, _ := os.ReadFile(record)
	if want := "/pkg/root/bin/weft.js go build -o x y\nWEFT_DAEMON=on\n"; string(data) != want {
		t.Fatalf("node ran with %q, want %q (no daemon yet: WEFT_DAEMON untouched)", data, want)
	}

	// A daemon that breaks the connection: WEFT_DAEMON=off so Node does not ask it again.
	fakeDaemon(t, mod, func(c net.Conn, b fields) {})
	cmd = frontProcess(t, mod, []string{path, "WEFT_DAEMON=on"}, "build")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run()
	if data, _ := os.ReadFile(record); string(data) != "/pkg/root/bin/weft.js go build\nWEFT_DAEMON=off\n" {
		t.Fatalf("node ran with %q, want WEFT_DAEMON=off", data)
	}
	if strings.Count(stderr.String(), "weft: ") != 1 {
		t.Errorf("stderr %q, want one warning", stderr.String())
	}
}

func TestFrontProcessForwardsSignalsToGo(t *testing.T) {
	mod := module(t)
	ready := filepath.Join(t.TempDir(), "ready")
	gotCode := make(chan int64, 1)
	fakeDaemon(t, mod, func(c net.Conn, b fields) {
		script := `trap 'exit 7' TERM; : > ` + ready + `; while :; do sleep 0.05; done`
		send(t, c, "t", "run", "id", "r", "go", "/bin/sh", "args", []string{"-c", script}, "env", []string{"PATH=/usr/bin:/bin"}, "dir", mod)
		code, _ := receive(t, c).int("code")
		gotCode <- code
		send(t, c, "t", "exit", "code", int(code)+10)
	})
	cmd := frontProcess(t, mod, nil, "build")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("go never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	watchdog := time.AfterFunc(10*time.Second, func() {
		t.Error("the front end still runs 10 s after SIGTERM: go did not get the signal")
		cmd.Process.Kill()
	})
	defer watchdog.Stop()
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 17 {
		t.Fatalf("front end ended with %v, want exit 17 (the daemon's code)", err)
	}
	if code := <-gotCode; code != 7 {
		t.Fatalf("done code %d, want 7: go's TERM trap did not run", code)
	}
}
