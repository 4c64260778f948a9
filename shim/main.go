// Command weft-shim is the -toolexec program of weft. The go command runs it once per tool
// invocation as `weft-shim <absolute tool path> args...`. Every tool but compile and link is
// exec'd unchanged at once; compile and link make one round trip to the weft job server, which
// answers with the arguments to run the tool with. Standard library only, and a small init:
// this program starts hundreds of times per build.
package main

import (
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Baked in at build time by ensure-shim.ts with -ldflags -X: how to start a job server in
// drop-in mode, and the weft version sent in Hello.
var (
	serverNode   string
	serverScript string
	weftVersion  = "dev"
)

var start time.Time

func main() {
	start = time.Now()
	// bin/weft's front-end role for `weft go` (front.go); a tool path never starts with "--".
	if len(os.Args) >= 2 && os.Args[1] == "--weft-front" {
		runFront(os.Args[2:])
	}
	if len(os.Args) < 2 {
		fail("usage: weft-shim <tool path> [args...] (this program is run by go build -toolexec)")
	}
	path, args := os.Args[1], os.Args[2:]
	tool := toolName(path)
	// go names the C compiler as configured (CC, usually a bare `gcc`) when it asks for its
	// identity (`gcc -### -x c -c -`, part of every cgo package's cache key): exec needs a path.
	if !strings.ContainsAny(path, `/\`) {
		if lp, err := exec.LookPath(path); err == nil {
			path = lp
		}
	}

	// A planned build (weft go) keeps plain go's -V=full answers, so unmarked packages keep
	// plain go's cache keys; only compiles and links the plan marked ask the server.
	planned := os.Getenv("WEFT_SHIM_MODE") == "planned"
	if len(args) == 1 && args[0] == "-V=full" {
		if planned {
			stat(tool, "vfull")
			execTool(path, args)
		}
		runVersion(tool, path, args)
		return
	}
	flagged, routedHere := marked(tool, args)
	if tool != "compile" && tool != "link" || planned && !flagged && !routedHere {
		stat(tool, "exec")
		if tool == "compile" {
			runCompile(path, args, nil)
		}
		execTool(path, args)
	}
	// Routed only for the link deps its archive must carry (linkdeps.go): no round trip.
	if planned && !flagged && tool == "compile" && !compilesMain(args) {
		if members, ok := dependentMembers(args); ok {
			stat(tool, "dependent")
			runCompile(path, args, members)
		}
	}
	runIPC(tool, path, args)
}

// compilesMain reports whether the compile is of a main package (`-p main`): a program or a
// test main, which the server gives blank imports of link-time packages.
func compilesMain(args []string) bool {
	return compileFlags(args, "p")["p"] == "main"
}

// markFlag mirrors MARK_FLAG in src/weaving/build-context.ts.
const markFlag = "-weftmark="

// markFile mirrors MARK_FILE in src/weaving/build-context.ts: the overlay file that carries the
// mark of a package named on the command line.
const markFile = "weft_mark_"

// marked reports whether a planned build marked this compile (a response file may hold the
// mark: the server reads it), or only routed it (routed). Links ask when woven code may add
// link-time packages (WEFT_SHIM_LINKS=1); WEFT_SHIM_ASK_ALL=1 sends every compile and link.
func marked(tool string, args []string) (flagged, routedOnly bool) {
	if os.Getenv("WEFT_SHIM_ASK_ALL") == "1" || tool == "link" && os.Getenv("WEFT_SHIM_LINKS") == "1" {
		return true, false
	}
	for _, a := range args {
		if strings.HasPrefix(a, markFlag) || len(a) > 1 && a[0] == '@' || strings.Contains(a, markFile) {
			return true, false
		}
	}
	return false, tool == "compile" && routed(os.Getenv("WEFT_SHIM_ROUTE"), os.Getenv("TOOLEXEC_IMPORTPATH"))
}

// routed reports whether the plan's route file (WEFT_SHIM_ROUTE, written by src/server/plan.ts:
// one import path a line, between newlines) lists this package: a package whose key differs
// from plain go's already (a woven dependency's archive is hashed into it) but whose archive
// must still get what the server adds. Test variants are listed without their " [x.test]".
func routed(file, importPath string) bool {
	if file == "" || importPath == "" {
		return false
	}
	if i := strings.Index(importPath, " ["); i >= 0 {
		importPath = importPath[:i]
	}
	data, err := os.ReadFile(file)
	if err != nil {
		// The plan's file is gone only if weft is gone: asking the server reports that clearly.
		return true
	}
	return strings.Contains(string(data), "\n"+importPath+"\n")
}

// toolName is the basename of the tool path without .exe.
func toolName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		path = path[i+1:]
	}
	return strings.TrimSuffix(path, ".exe")
}

func execTool(path string, args []string) {
	if runtime.GOOS == "windows" {
		// No exec(2) there: run the tool and pass its exit code on.
		os.Exit(runChild(path, args, nil))
	}
	argv := make([]string, 0, len(args)+1)
	argv = append(argv, path)
	argv = append(argv, args...)
	err := syscall.Exec(path, argv, os.Environ())
	fail("cannot run " + path + ": " + err.Error())
}

// runChild runs the tool with inherited stdio (stdout optionally replaced) and returns its
// exit code the way a shell would report it.
func runChild(path string, args []string, stdout *os.File) int {
	if stdout == nil {
		stdout = os.Stdout
	}
	argv := append([]string{path}, args...)
	p, err := os.StartProcess(path, argv, &os.ProcAttr{Files: []*os.File{os.Stdin, stdout, os.Stderr}, Sys: childSysProcAttr()})
	if err != nil {
		fail("cannot run " + path + ": " + err.Error())
	}
	// The go command stops a tool by signalling the process it started, which is us: pass
	// termination signals on so the tool stops too instead of running on orphaned.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	go func() {
		for s := range sigs {
			p.Signal(s)
		}
	}()
	st, err := p.Wait()
	signal.Stop(sigs)
	if err != nil {
		fail("waiting for " + path + ": " + err.Error())
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return st.ExitCode()
}

// runVersion answers `tool -V=full` with the tool's own line plus the weft suffix, so the go
// command's cache keys change whenever the aspects do. The suffix goes at the end of the first
// line; adding lines would break the go command's parser.
func runVersion(tool, path string, args []string) {
	suffix, ok := os.LookupEnv("WEFT_VERSION_SUFFIX")
	if !ok {
		suffix = suffixFromServer()
	}
	r, w, err := os.Pipe()
	if err != nil {
		fail("cannot create a pipe: " + err.Error())
	}
	done := make(chan []byte)
	go func() {
		var buf []byte
		chunk := make([]byte, 4096)
		for {
			n, err := r.Read(chunk)
			buf = append(buf, chunk[:n]...)
			if err != nil {
				break
			}
		}
		done <- buf
	}()
	code := runChild(path, args, w)
	w.Close()
	out := <-done
	if suffix != "" {
		i := strings.IndexByte(string(out), '\n')
		if i < 0 {
			i = len(out)
		}
		// Keep a \r of a CRLF line ending after the suffix.
		if i > 0 && out[i-1] == '\r' {
			i--
		}
		patched := make([]byte, 0, len(out)+len(suffix)+1)
		patched = append(patched, out[:i]...)
		patched = append(patched, ' ')
		patched = append(patched, suffix...)
		patched = append(patched, out[i:]...)
		out = patched
	}
	os.Stdout.Write(out)
	stat(tool, "vfull")
	os.Exit(code)
}

// stat appends one line to WEFT_STATS_FILE (one write with O_APPEND, so concurrent shims do
// not interleave): tool, what the shim did, and its own time in microseconds.
func stat(tool, kind string) {
	file := os.Getenv("WEFT_STATS_FILE")
	if file == "" {
		return
	}
	line := tool + " " + kind + " " + strconv.FormatInt(time.Since(start).Microseconds(), 10) + "\n"
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return
	}
	f.Write([]byte(line))
	f.Close()
}

// fail prints `weft: <msg>` to stderr and exits 2, the exit code of a failed tool.
func fail(msg string) {
	os.Stderr.WriteString("weft: " + msg + "\n")
	os.Exit(2)
}

// formatError mirrors formatErrorData in src/errors.ts.
func formatError(d *errorData) string {
	where := ""
	if l := d.location; l != nil {
		where = l.file
		if l.hasLine {
			where += ":" + strconv.FormatInt(l.line, 10)
		}
		if l.hasColumn {
			where += ":" + strconv.FormatInt(l.column, 10)
		}
		where += ": "
	}
	aspect := ""
	if d.hasAspect {
		aspect = "aspect " + strconv.Quote(d.aspect) + ": "
	}
	s := "weft: " + where + aspect + d.message
	for _, x := range d.details {
		s += "\n  " + x
	}
	if d.hasHint {
		s += "\n  hint: " + d.hint
	}
	return s
}
