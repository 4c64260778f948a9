//go:build unix

package main

// Drop-in mode: `go build -toolexec=<shim>` without `weft go`, so nobody told us where the job
// server is. One server serves one go command, keyed on the go command (our parent) by pid and
// start time, so a reused pid never finds a stale server. The first shim to arrive starts it
// under an exclusive flock; the others wait on the lock and then connect.

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// startTimeout bounds the wait for a new server to listen. The server listens only once it has
// read the configuration and listed the injected packages (a cold `go list` may download
// modules), and a server that dies is noticed at once, so this only stops a hung server.
func startTimeout() time.Duration {
	if n, err := strconv.Atoi(os.Getenv("WEFT_START_TIMEOUT")); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 5 * time.Minute
}

// runtimeDir returns a private directory for sockets, creating it 0700 and refusing one that
// another user owns or others can enter (a socket there could be hijacked).
func runtimeDir() (string, error) {
	var dir string
	if x := os.Getenv("XDG_RUNTIME_DIR"); x != "" {
		dir = x + "/weft"
	} else {
		dir = os.TempDir() + "/weft-" + strconv.Itoa(os.Getuid())
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := checkPrivateDir(dir, os.Getuid()); err != nil {
		return "", err
	}
	return dir, nil
}

// checkPrivateDir refuses a directory that is not a directory, that another user owns, or that
// others can enter. uid is a parameter so the owner check can be tested without a second user.
func checkPrivateDir(dir string, uid int) error {
	var st syscall.Stat_t
	if err := syscall.Lstat(dir, &st); err != nil {
		return err
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFDIR || int(st.Uid) != uid || st.Mode&0o077 != 0 {
		return errors.New(dir + " is not a private directory of this user (want mode 0700, owner uid " + strconv.Itoa(uid) + "); remove it")
	}
	return nil
}

// dialAttempts bounds how often a shim starts over when the runtime directory vanished under it
// (removed while it opened the lock or the log): each attempt makes the directory again.
const dialAttempts = 3

func dialDropIn() *conn {
	ppid, st, err := findGoCommand(platformProcs(), os.Getppid())
	if err != nil {
		fail("drop-in mode: cannot identify the go command (pid " + strconv.Itoa(ppid) + "): " + err.Error() +
			"\n  hint: run the build through `weft go ...` instead")
	}
	for attempt := 1; ; attempt++ {
		c, err := dialOrStart(ppid, st)
		if err == nil {
			return c
		}
		if !errors.Is(err, os.ErrNotExist) || attempt == dialAttempts {
			fail("drop-in mode: " + err.Error())
		}
	}
}

// dialOrStart connects to the server of the go command ppid (started at st), starting it under
// the lock when there is none. A missing directory (removed meanwhile) is returned to retry.
func dialOrStart(ppid int, st string) (*conn, error) {
	dir, err := runtimeDir()
	if err != nil {
		return nil, err
	}
	base := dir + "/drop-" + strconv.Itoa(ppid) + "-" + st
	socket := base + ".sock"
	if c, err := dialUnix(socket); err == nil {
		return &conn{c, socket}, nil
	}

	lock, err := os.OpenFile(base+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, wrapError("cannot open the lock file: ", err)
	}
	defer lock.Close() // closing releases the flock
	for {
		err = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, wrapError("cannot lock "+base+".lock: ", err)
	}
	// Someone may have started the server while we waited for the lock.
	if c, err := dialUnix(socket); err == nil {
		return &conn{c, socket}, nil
	}
	// A go command killed meanwhile needs no server: starting one would only leave its files
	// behind (go's orphaned tools still run their shims).
	if p, err := platformProcs().lookup(ppid); err != nil || p.startTime != st {
		os.Remove(base + ".lock")
		fail("drop-in mode: the go command (pid " + strconv.Itoa(ppid) + ") has exited; not starting a job server for it")
	}
	c, err := startServer(socket, base+".log", ppid)
	if err != nil {
		return nil, err
	}
	return &conn{c, socket}, nil
}

// startServer launches `node <weft.js> server --drop-in --socket <path> --go-pid <ppid>` in its
// own session (so the go command's signals and terminal do not reach it) and waits until the
// socket accepts.
func startServer(socket, logFile string, ppid int) (*unixConn, error) {
	if serverNode == "" || serverScript == "" {
		fail("drop-in mode: this shim was built without a job server command and WEFT_SOCKET is not set" +
			"\n  hint: use the shim printed by `weft toolexec-path`, or run the build through `weft go ...`")
	}
	logf, err := os.OpenFile(logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, wrapError("cannot open the server log "+logFile+": ", err)
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		fail("drop-in mode: " + err.Error())
	}
	argv := []string{serverNode, serverScript, "server", "--drop-in", "--socket", socket, "--go-pid", strconv.Itoa(ppid)}
	p, err := os.StartProcess(serverNode, argv, &os.ProcAttr{
		Files: []*os.File{devnull, logf, logf},
		Sys:   &syscall.SysProcAttr{Setsid: true},
	})
	logf.Close()
	devnull.Close()
	if err != nil {
		fail("drop-in mode: cannot start the job server (" + serverNode + " " + serverScript + "): " + err.Error())
	}
	pid := p.Pid
	p.Release()
	deadline := time.Now().Add(startTimeout())
	for {
		if c, err := dialUnix(socket); err == nil {
			return c, nil
		}
		// A server that died before listening will never accept: say so now, not at the deadline.
		var ws syscall.WaitStatus
		if wpid, _ := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil); wpid == pid {
			// It may have stepped aside for another server of this go command (two shims each
			// started one after the runtime directory was removed).
			if c, err := dialUnix(socket); err == nil {
				return c, nil
			}
			fail("drop-in mode: the job server exited (status " + strconv.Itoa(ws.ExitStatus()) + ") before it listened on " + socket +
				"\n  hint: see its log " + logFile + tail(logFile))
		}
		if time.Now().After(deadline) {
			fail("drop-in mode: the job server did not listen on " + socket + " within " + startTimeout().String() +
				"\n  hint: see its log " + logFile + tail(logFile))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// prefixedError says what failed and keeps the cause for errors.Is.
type prefixedError struct {
	prefix string
	err    error
}

func (e *prefixedError) Error() string { return e.prefix + e.err.Error() }
func (e *prefixedError) Unwrap() error { return e.err }

func wrapError(prefix string, err error) error { return &prefixedError{prefix, err} }

// tail returns the last lines of a log file, indented, for an error message.
func tail(file string) string {
	b, err := os.ReadFile(file)
	if err != nil || len(b) == 0 {
		return ""
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 10 {
		lines = lines[len(lines)-10:]
	}
	return "\n    " + strings.Join(lines, "\n    ")
}
