//go:build unix

package main

// The front end of `weft go`: bin/weft runs `weft-shim --weft-front <identity> <package root> go
// <args…>` when a warm daemon may serve the module, because Node's start alone costs more than
// the whole per-build budget. It finds the module's daemon, sends the build, runs go the way the
// daemon says and passes go's exit code on; whenever the daemon cannot serve the build it execs
// the Node front end (bin/weft.js), which builds in-process. The conversation is in
// daemon-protocol.md (a shared spec with src/daemon). A dead or wedged daemon costs one
// warning and a normal build, never a wrong or failed one.

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Set by tests; the protocol fixes both.
var (
	frontConnectTimeout = 200 * time.Millisecond
	// frontAnswerTimeout bounds every wait for the daemon's next frame; the daemon sends an
	// empty stderr frame every 2 s while it plans, so a long plan never reaches it.
	frontAnswerTimeout = 30 * time.Second
)

// front is one `weft go` handled by the Go front end.
type front struct {
	identity string
	pkgroot  string
	args     []string // everything after `weft go`
	env      []string
	cwd      string // getcwd, not $PWD: the daemon's key comes from Node's process.cwd(), the physical path
	stderr   io.Writer
	// stdin/stdout/stderr for go; nil means the process's own.
	files  []*os.File
	warned bool
}

// frontOutcome is how the process ends: exit with code, or exec the Node front end.
type frontOutcome struct {
	code int
	node bool
	// off adds WEFT_DAEMON=off for Node: the daemon is dead or wedged, Node must not ask it again.
	off bool
}

var toNode = frontOutcome{node: true}

func runFront(argv []string) {
	if len(argv) < 3 || argv[2] != "go" {
		fail("usage: weft-shim --weft-front <identity> <package root> go [args...] (bin/weft runs this)")
	}
	f := &front{identity: argv[0], pkgroot: argv[1], args: argv[3:], env: os.Environ(), stderr: os.Stderr}
	f.cwd, _ = syscall.Getwd()
	o := f.run()
	if o.node {
		execNode(f.pkgroot, f.args, f.env, o.off)
	}
	os.Exit(o.code)
}

func (f *front) warn(msg string) {
	if f.warned {
		return
	}
	f.warned = true
	io.WriteString(f.stderr, "weft: "+msg+"\n")
}

// wedged is a daemon that exists but cannot be used: one warning, and Node builds without it.
func (f *front) wedged(module, why string) frontOutcome {
	f.warn("the daemon for " + module + " did not answer (" + why + "); building without it")
	return frontOutcome{node: true, off: true}
}

func (f *front) run() frontOutcome {
	// No daemon (CI, WEFT_DAEMON=off): the build Node decided last time, when its record holds.
	if !daemonWanted(f.args, f.env) {
		return f.replay()
	}
	if !instrumented(f.args) || progressWanted(f.args, f.env, isTerminal(2)) || !pointerFresh(f.pkgroot, f.identity, f.env, f.cwd) {
		return toNode
	}
	cwd := f.cwd
	if cwd == "" {
		return toNode
	}
	module := findModuleRoot(goDir(f.args, cwd))
	if module == "" {
		return toNode
	}
	// Node reports a runtime directory that is not private (and why) better than we could.
	rd, err := runtimeDir()
	if err != nil {
		return toNode
	}
	socket := rd + "/daemon-" + daemonKey(module) + ".sock"
	c, err := dialUnixWithin(socket, frontConnectTimeout)
	if err != nil {
		// No daemon yet, or one that died and left its socket: Node starts one for the next build.
		if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
			return toNode
		}
		return f.wedged(module, "connect: "+errText(err))
	}
	defer c.Close()
	if err := c.setTimeouts(answerTimeout(f.env)); err != nil {
		return f.wedged(module, errText(err))
	}
	build := appendFrame(nil, func(e *encoder) {
		e.writeMapHeader(7)
		e.writeStr("t")
		e.writeStr("build")
		e.writeStr("identity")
		e.writeStr(f.identity)
		e.writeStr("cwd")
		e.writeStr(cwd)
		e.writeStr("args")
		e.writeStrings(f.args)
		e.writeStr("env")
		e.writeStrings(f.env)
		e.writeStr("stderrTTY")
		e.writeBool(isTerminal(2))
		e.writeStr("stdoutTTY")
		e.writeBool(isTerminal(1))
	})
	if _, err := c.Write(build); err != nil {
		return f.wedged(module, f.answerError(err))
	}
	for {
		m, t, err := f.next(c)
		if err != nil {
			return f.wedged(module, f.answerError(err))
		}
		switch t {
		case "stderr":
			continue
		case "exit":
			code, err := m.int("code")
			if err != nil {
				return f.wedged(module, err.Error())
			}
			return frontOutcome{code: int(code)}
		case "fallback":
			reason, err1 := m.str("reason")
			warn, err2 := m.bool("warn")
			if err := firstErr(err1, err2); err != nil {
				return f.wedged(module, err.Error())
			}
			if warn {
				f.warn(reason + "; building without the daemon")
			}
			return frontOutcome{node: true, off: true}
		case "replace":
			// The daemon is of another weft and exits; Node starts the new one once the old one
			// has removed its socket (a socket still there but refusing looks like a dead daemon).
			waitGone(socket, 5*time.Second)
			return toNode
		case "run":
			r, err := decodeRun(m)
			if err != nil {
				return f.wedged(module, err.Error())
			}
			return frontOutcome{code: f.runGo(c, r)}
		default:
			return f.wedged(module, "unexpected message "+strconv.Quote(t))
		}
	}
}

// next reads one frame, writes a stderr frame's text out and returns the frame and its type.
func (f *front) next(c *unixConn) (fields, string, error) {
	v, err := readFrame(c)
	if err != nil {
		return fields{}, "", err
	}
	m, err := asFields(v, "daemon message")
	if err != nil {
		return fields{}, "", &protocolError{err.Error()}
	}
	t, err := m.str("t")
	if err != nil {
		return fields{}, "", &protocolError{err.Error()}
	}
	if t == "stderr" {
		text, err := m.str("text")
		if err != nil {
			return fields{}, "", &protocolError{err.Error()}
		}
		if text != "" {
			io.WriteString(f.stderr, text)
		}
	}
	return m, t, nil
}

func waitGone(path string, limit time.Duration) {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, err := os.Lstat(path); err != nil {
			return
		}
	}
}

func (f *front) answerError(err error) string {
	if errors.Is(err, errTimeout) {
		return "no answer within " + answerTimeout(f.env).String()
	}
	return errText(err)
}

// answerTimeout is WEFT_DAEMON_TIMEOUT (seconds, or a duration like 500ms), else 30 s: as
// parseDuration in src/weaving/build-context.ts.
func answerTimeout(env []string) time.Duration {
	s := strings.TrimSpace(lookupEnv(env, "WEFT_DAEMON_TIMEOUT"))
	if s != "" {
		if n, err := strconv.ParseFloat(s, 64); err == nil && n > 0 {
			return time.Duration(n * float64(time.Second))
		}
		if d, err := time.ParseDuration(s); err == nil && d > 0 {
			return d
		}
	}
	return frontAnswerTimeout
}

func lookupEnv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// daemonWanted mirrors daemonSetting in src/daemon/client.ts: --weft-daemon[=value], else
// WEFT_DAEMON, else on unless CI is set (to anything but "false"). A value Node would refuse
// goes to Node, which says why.
func daemonWanted(args, env []string) bool {
	setting, given := "", false
	for _, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if name != "weft-daemon" || !strings.HasPrefix(a, "-") || strings.HasPrefix(a, "---") {
			continue
		}
		setting, given = "on", true
		if hasValue {
			setting = value
		}
	}
	if !given {
		setting = lookupEnv(env, "WEFT_DAEMON")
	}
	if setting == "" {
		if ci := lookupEnv(env, "CI"); ci != "" && !strings.EqualFold(ci, "false") {
			return false
		}
		return true
	}
	switch strings.ToLower(setting) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// progressWanted mirrors startProgress in src/cli/go-command.ts: a progress line is drawn unless
// --weft-progress=off (else WEFT_PROGRESS) says no, never for go run, on a terminal by default
// and elsewhere when asked. The Node front end draws it from the daemon's "progress" frames, so
// such a build goes to Node: its start costs little next to a build worth a progress line.
func progressWanted(args, env []string, terminal bool) bool {
	setting, given := "", false
	for _, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if name != "weft-progress" || !strings.HasPrefix(a, "-") || strings.HasPrefix(a, "---") {
			continue
		}
		setting, given = "on", true
		if hasValue {
			setting = value
		}
	}
	if !given {
		setting = lookupEnv(env, "WEFT_PROGRESS")
	}
	if subcommand(args) == "run" {
		return false
	}
	switch strings.ToLower(setting) {
	case "0", "false", "no", "off":
		return false
	case "", "auto":
		return terminal
	}
	// "on", or a value Node refuses and explains.
	return true
}

// subcommand is go's subcommand in a `weft go` command line, or "".
func subcommand(args []string) string {
	goArgs := withoutWeftFlags(args)
	i := 0
	if len(goArgs) > 0 {
		switch a := goArgs[0]; {
		case a == "-C" || a == "--C":
			i = 2
		case strings.HasPrefix(a, "-C=") || strings.HasPrefix(a, "--C="):
			i = 1
		}
	}
	if i >= len(goArgs) {
		return ""
	}
	return goArgs[i]
}

// instrumented says whether the subcommand compiles (INSTRUMENTED_SUBCOMMANDS in
// src/build/go-args.ts); Node runs any other go command itself, without a daemon.
func instrumented(args []string) bool {
	switch subcommand(args) {
	case "build", "install", "run", "test", "vet":
		return true
	}
	return false
}

// pointerFresh checks the stamps the front-end pointer carries (front-pointer.ts): the files
// behind the identity bin/weft passed must be unchanged, or the identity is of a weft that is
// no longer installed and would keep an old daemon serving. A pointer that is gone or holds
// another identity now was rewritten under us: Node decides.
func pointerFresh(pkgroot, identity string, env []string, cwd string) bool {
	cache := lookupEnv(env, "WEFT_CACHE")
	switch {
	case cache != "":
		if !filepath.IsAbs(cache) {
			cache = filepath.Join(cwd, cache)
		}
	case lookupEnv(env, "XDG_CACHE_HOME") != "":
		cache = filepath.Join(lookupEnv(env, "XDG_CACHE_HOME"), "weft")
		if !filepath.IsAbs(cache) {
			cache = filepath.Join(cwd, cache)
		}
	case lookupEnv(env, "HOME") != "":
		cache = filepath.Join(lookupEnv(env, "HOME"), ".cache", "weft")
	default:
		return false
	}
	data, err := os.ReadFile(filepath.Join(cache, "front", strings.ReplaceAll(pkgroot, "/", "%")))
	if err != nil {
		return false
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) < 2 || lines[1] != identity {
		return false
	}
	for _, line := range lines[2:] {
		if line == "" {
			continue
		}
		fields := strings.SplitN(line, " ", 5)
		if len(fields) != 5 || fields[0] != "stamp" {
			continue // a later addition this front end does not know
		}
		fi, err := os.Stat(fields[4])
		if err != nil {
			return false
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok || strconv.FormatUint(uint64(st.Ino), 10) != fields[1] || strconv.FormatInt(fi.Size(), 10) != fields[2] || strconv.FormatInt(fi.ModTime().UnixNano(), 10) != fields[3] {
			return false
		}
	}
	return true
}

type runMsg struct {
	id     string
	goPath string
	args   []string
	env    []string
	dir    string
}

func decodeRun(m fields) (*runMsg, error) {
	var r runMsg
	var e [5]error
	r.id, e[0] = m.str("id")
	r.goPath, e[1] = m.str("go")
	r.args, e[2] = m.strings("args")
	r.env, e[3] = m.strings("env")
	r.dir, e[4] = m.str("dir")
	if err := firstErr(e[:]...); err != nil {
		return nil, err
	}
	return &r, nil
}

// runGo runs go as the daemon said, reports it done and returns the daemon's exit code, or go's
// when the daemon is gone.
func (f *front) runGo(c *unixConn, r *runMsg) int {
	started := time.Now()
	code := f.startAndWait(r)
	done := appendFrame(nil, func(e *encoder) {
		e.writeMapHeader(4)
		e.writeStr("t")
		e.writeStr("done")
		e.writeStr("id")
		e.writeStr(r.id)
		e.writeStr("code")
		e.writeInt(int64(code))
		e.writeStr("wallMs")
		e.writeInt(time.Since(started).Milliseconds())
	})
	lost := func(why string) int {
		f.warn("daemon lost during the build: " + why)
		return code
	}
	if _, err := c.Write(done); err != nil {
		return lost(f.answerError(err))
	}
	for {
		m, t, err := f.next(c)
		if err != nil {
			return lost(f.answerError(err))
		}
		switch t {
		case "stderr":
			continue
		case "exit":
			daemonCode, err := m.int("code")
			if err != nil {
				return lost(err.Error())
			}
			return int(daemonCode)
		default:
			return lost("unexpected message " + strconv.Quote(t))
		}
	}
}

// startAndWait runs go with inherited stdio and returns its exit code, 128+signo when a signal
// ended it (as exitCodeOf in src/jobserver/run-tool.ts).
func (f *front) startAndWait(r *runMsg) int {
	files := f.files
	if files == nil {
		files = []*os.File{os.Stdin, os.Stdout, os.Stderr}
	}
	// Notify before starting go: a Ctrl-C in between must reach go, not end us with go orphaned.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	p, err := os.StartProcess(r.goPath, append([]string{r.goPath}, r.args...), &os.ProcAttr{Dir: r.dir, Env: r.env, Files: files, Sys: childSysProcAttr()})
	if err != nil {
		// The daemon hears of it through the exit code; nothing ran.
		f.warn("cannot run " + r.goPath + ": " + err.Error())
		return 2
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case s := <-sigs:
				p.Signal(s)
			case <-stop:
				return
			}
		}
	}()
	st, err := p.Wait()
	if err != nil {
		f.warn("waiting for " + r.goPath + ": " + err.Error())
		return 2
	}
	return exitCodeOf(st)
}

func exitCodeOf(st *os.ProcessState) int {
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return st.ExitCode()
}

// goDir is the directory go will run in: -C as the first argument (after --weft-* flags, which
// weft takes out before go sees its command line), resolved against cwd. This mirrors
// parseGoCommand in src/toolexec/go-command-line.ts, which the Node front and the daemon use,
// so that all three find the same module, and so the same daemon.
func goDir(args []string, cwd string) string {
	goArgs := withoutWeftFlags(args)
	if len(goArgs) == 0 {
		return cwd
	}
	dir, ok := "", false
	switch a := goArgs[0]; {
	case a == "-C" || a == "--C":
		if len(goArgs) > 1 {
			dir, ok = goArgs[1], true
		}
	case strings.HasPrefix(a, "-C=") || strings.HasPrefix(a, "--C="):
		_, dir, _ = strings.Cut(a, "=")
		ok = true
	}
	if !ok {
		return cwd
	}
	if filepath.IsAbs(dir) {
		return filepath.Clean(dir)
	}
	return filepath.Join(cwd, dir)
}

// weftValueFlags take the next argument when written without `=` (src/build/go-args.ts).
var weftValueFlags = map[string]bool{"weft-config": true, "weft-log-file": true, "weft-log-level": true, "weft-cache": true, "weft-mode": true}

// withoutWeftFlags mirrors extractWeftFlags in src/build/go-args.ts: --weft-* flags anywhere
// before a bare `--`.
func withoutWeftFlags(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		name := strings.TrimLeft(a, "-")
		if !strings.HasPrefix(a, "-") || len(a)-len(name) > 2 || !strings.HasPrefix(name, "weft-") {
			out = append(out, a)
			continue
		}
		if !strings.Contains(name, "=") && weftValueFlags[name] {
			i++
		}
	}
	return out
}

// findModuleRoot is the directory of the nearest go.mod at or above dir, or "".
func findModuleRoot(dir string) string {
	for {
		if st, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && !st.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// daemonKey names a module's daemon files: the first 16 hex digits of sha256(module root).
func daemonKey(module string) string {
	h := sha256.Sum256([]byte(module))
	return hex.EncodeToString(h[:])[:16]
}

// execNode replaces this process with the Node front end, which builds in-process (and starts
// a daemon for the next build unless WEFT_DAEMON=off).
func execNode(pkgroot string, args, env []string, off bool) {
	node, err := exec.LookPath("node")
	if err != nil {
		if serverNode == "" {
			fail("cannot find node on PATH: " + err.Error())
		}
		node = serverNode
	}
	if off {
		kept := env[:0:0]
		for _, kv := range env {
			if !strings.HasPrefix(kv, "WEFT_DAEMON=") {
				kept = append(kept, kv)
			}
		}
		env = append(kept, "WEFT_DAEMON=off")
	}
	argv := append([]string{node, pkgroot + "/bin/weft.js", "go"}, args...)
	err = syscall.Exec(node, argv, env)
	fail("cannot run " + node + ": " + err.Error())
}
