package main

// Finding the go command this shim serves, through a small interface over the operating
// system's process table: Linux reads /proc (proc_linux.go), macOS asks ps (proc_darwin.go;
// it has no /proc), elsewhere there is no drop-in mode. Tests pass a fake.

import (
	"errors"
	"strconv"
	"strings"
)

// procInfo is what drop-in mode needs to know about one process.
type procInfo struct {
	name      string // the executable's base name (Linux truncates it to 15 bytes)
	ppid      int
	startTime string // opaque; with the pid, unique for the boot
}

type processTable interface {
	lookup(pid int) (procInfo, error)
}

// isGoCommandName accepts `go` and the versioned wrappers of golang.org/dl (`go1.22.4`), like
// the server does (isGoCommandName in src/toolexec/go-process.ts).
func isGoCommandName(name string) bool {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSuffix(name, ".exe")
	if name == "go" {
		return true
	}
	if !strings.HasPrefix(name, "go") || len(name) < 3 || name[2] < '0' || name[2] > '9' {
		return false
	}
	for _, c := range name[3:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// findGoCommand returns the go command a shim whose parent is ppid serves: normally the
// parent, but a wrapper in -toolexec (`-toolexec="time weft-shim"`) puts a process in between,
// so look a few levels up for a go process, and fall back to the parent.
func findGoCommand(t processTable, ppid int) (int, string, error) {
	parent, err := t.lookup(ppid)
	if err != nil {
		return ppid, "", err
	}
	// Orphaned: the go command that ran this shim was killed and init adopted us. Serving
	// "go command 1" would start a server, lock and log for a build that no longer exists.
	if ppid == 1 && !isGoCommandName(parent.name) {
		return ppid, "", errors.New("the go command that ran this tool has exited")
	}
	st := parent
	for pid, i := ppid, 0; i < 4 && pid > 1; i++ {
		if isGoCommandName(st.name) {
			return pid, st.startTime, nil
		}
		pid = st.ppid
		if st, err = t.lookup(pid); err != nil {
			break
		}
	}
	return ppid, parent.startTime, nil
}

// parseProcStat parses the text of /proc/<pid>/stat. The command name may contain spaces and
// parentheses, so the fields after it are counted from the last ')'.
func parseProcStat(s string) (procInfo, error) {
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	bad := errors.New("unexpected format of /proc/<pid>/stat")
	if open < 0 || end < open {
		return procInfo{}, bad
	}
	f := strings.Fields(s[end+1:])
	// f[0] is field 3 (state): field 4 is f[1], field 22 is f[19].
	if len(f) < 20 {
		return procInfo{}, bad
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return procInfo{}, bad
	}
	return procInfo{name: s[open+1 : end], ppid: ppid, startTime: f[19]}, nil
}

// parsePsLine parses the output of `ps -o ppid= -o lstart= -o comm= -p <pid>` (macOS): the
// parent pid, the start time in five words (`Thu Dec  3 06:53:37 2026`), then the command,
// which may hold spaces.
func parsePsLine(s string) (procInfo, error) {
	bad := errors.New("unexpected output of ps: " + strconv.Quote(s))
	rest := strings.TrimSpace(s)
	var words []string
	for i := 0; i < 6; i++ {
		rest = strings.TrimLeft(rest, " \t")
		j := strings.IndexAny(rest, " \t")
		if j < 0 {
			return procInfo{}, bad
		}
		words = append(words, rest[:j])
		rest = rest[j:]
	}
	ppid, err := strconv.Atoi(words[0])
	comm := strings.TrimSpace(rest)
	if err != nil || comm == "" {
		return procInfo{}, bad
	}
	return procInfo{name: comm, ppid: ppid, startTime: strings.Join(words[1:], "_")}, nil
}
