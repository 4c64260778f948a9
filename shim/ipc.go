package main

// One compile or link: Hello and ToolRequest go out in one write, HelloReply and ToolReply come
// back, then the tool is exec'd with the returned arguments. Nothing here may hang: connecting
// has a short timeout, a dead server shows up as EOF or ECONNRESET at once, and every wait for
// the server is bounded by WEFT_CALL_TIMEOUT (default 10 min) as a last resort.

import (
	"errors"
	"io"
	"os"
	"strconv"
	"syscall"
	"time"
)

const connectTimeout = 5 * time.Second

func callTimeout() time.Duration {
	s := os.Getenv("WEFT_CALL_TIMEOUT")
	if s == "" {
		return 10 * time.Minute
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d
	}
	fail("WEFT_CALL_TIMEOUT=" + s + " is not a duration: use seconds (600) or a Go duration (10m)")
	return 0
}

// conn is an open connection to the job server and the socket path for messages.
type conn struct {
	c      *unixConn
	socket string
}

// dial connects to the job server: WEFT_SOCKET when set, else the drop-in server of the go
// command that runs us (started on first use).
func dial() *conn {
	if socket := os.Getenv("WEFT_SOCKET"); socket != "" {
		c, err := dialUnix(socket)
		if err != nil {
			fail("cannot connect to the job server at " + socket + ": " + errText(err) +
				"\n  hint: WEFT_SOCKET points at a server that is not running; run the build through `weft go ...`, or unset WEFT_SOCKET to let the shim start one")
		}
		return &conn{c, socket}
	}
	return dialDropIn()
}

func (c *conn) lost(err error) {
	var pe *protocolError
	if errors.As(err, &pe) {
		fail(pe.msg + " from the job server at " + c.socket +
			"\n  hint: the shim and the server are from different weft versions; the shim is rebuilt automatically when its source changes, so use `weft toolexec-path` or `weft go ...`")
	}
	if errors.Is(err, errTimeout) {
		fail("the job server at " + c.socket + " did not answer within " + callTimeout().String() +
			"; the build cannot continue (set WEFT_CALL_TIMEOUT to wait longer)")
	}
	fail("lost connection to the job server at " + c.socket + ": " + errText(err) +
		"; the build cannot continue (was the weft process killed?)")
}

// errText names the cause of a failed read or write (EOF, connection reset, ...).
func errText(err error) string {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return "the server closed the connection (EOF)"
	}
	var se syscall.Errno
	if errors.As(err, &se) {
		return se.Error()
	}
	return err.Error()
}

// hello sends Hello (and optionally a request in the same write) and returns the HelloReply;
// errors are the connection's (see lost). A refused Hello ends the shim.
func (c *conn) hello(req *toolRequest) (*helloReply, error) {
	if err := c.c.setTimeouts(callTimeout()); err != nil {
		return nil, err
	}
	h := hello{v: protocolVersion, weft: version()}
	buf := appendFrame(nil, h.encode)
	if req != nil {
		buf = appendFrame(buf, req.encode)
	}
	if _, err := c.c.Write(buf); err != nil {
		return nil, err
	}
	v, err := readFrame(c.c)
	if err != nil {
		return nil, err
	}
	r, err := decodeHelloReply(v)
	if err != nil {
		return nil, &protocolError{err.Error()}
	}
	if !r.ok {
		os.Stderr.WriteString(formatError(r.err) + "\n")
		os.Exit(2)
	}
	return r, nil
}

// call sends Hello and the request and returns the reply.
func (c *conn) call(req *toolRequest) (*toolReply, error) {
	if _, err := c.hello(req); err != nil {
		return nil, err
	}
	v, err := readFrame(c.c)
	if err != nil {
		return nil, err
	}
	reply, err := decodeToolReply(v)
	if err != nil {
		return nil, &protocolError{err.Error()}
	}
	if reply.id != req.id {
		return nil, &protocolError{"received a reply for request " + strconv.FormatInt(reply.id, 10) + " instead of " + strconv.FormatInt(req.id, 10)}
	}
	return reply, nil
}

// maxRetries bounds how often a shim asks again after its drop-in server went away. A dying
// server's listening socket may still take a connection or two until its process is gone.
const maxRetries = 3

func retryPause(attempt int) {
	time.Sleep(time.Duration(20<<(2*attempt)) * time.Millisecond)
}

// retryable says whether a drop-in server went away before answering: it died or was stopped
// (it then stops accepting, so the next dial finds or starts its replacement). Nothing has run
// yet, so asking again is safe; a protocol error or a timeout is not retried.
func retryable(err error, reply *toolReply) bool {
	if os.Getenv("WEFT_SOCKET") != "" {
		return false
	}
	if err == nil {
		return reply != nil && !reply.ok && reply.err != nil && reply.err.code == "E_CLOSED"
	}
	var pe *protocolError
	if errors.As(err, &pe) || errors.Is(err, errTimeout) {
		return false
	}
	return true
}

func version() string {
	if v := os.Getenv("WEFT_VERSION"); v != "" {
		return v
	}
	return weftVersion
}

// suffixFromServer asks the server for the -V=full suffix (drop-in mode has no env for it).
func suffixFromServer() string {
	for attempt := 0; ; attempt++ {
		c := dial()
		r, err := c.hello(nil)
		c.c.Close()
		if err != nil {
			if attempt < maxRetries && retryable(err, nil) {
				retryPause(attempt)
				continue
			}
			c.lost(err)
		}
		if !r.hasSuffix {
			fail("the job server at " + c.socket + " did not send the -V=full suffix; the build cannot continue" +
				"\n  hint: the server is from another weft version; use `weft toolexec-path` or `weft go ...`")
		}
		return r.suffix
	}
}

func runIPC(tool, path string, args []string) {
	cwd, err := os.Getwd()
	if err != nil {
		fail("cannot read the working directory: " + err.Error())
	}
	req := &toolRequest{
		id:   1,
		tool: tool,
		path: path,
		args: args,
		cwd:  cwd,
		pkg:  os.Getenv("TOOLEXEC_IMPORTPATH"),
		pid:  int64(os.Getpid()),
	}
	for _, k := range forwardedEnv {
		if v, ok := os.LookupEnv(k); ok {
			req.env = append(req.env, kv{k, v})
		}
	}
	var reply *toolReply
	for attempt := 0; ; attempt++ {
		c := dial()
		reply, err = c.call(req)
		c.c.Close()
		if attempt < maxRetries && retryable(err, reply) {
			retryPause(attempt)
			continue
		}
		if err != nil {
			c.lost(err)
		}
		break
	}
	stat(tool, "ipc")
	if !reply.ok {
		os.Stderr.WriteString(formatError(reply.err) + "\n")
		os.Exit(2)
	}
	for _, w := range reply.warnings {
		os.Stderr.WriteString(w + "\n")
	}
	if tool == "compile" {
		runCompile(path, reply.args, reply.append)
	}
	if len(reply.append) == 0 {
		execTool(path, reply.args)
	}
	code := runChild(path, reply.args, nil)
	if code == 0 {
		for _, m := range reply.append {
			if err := appendArMember(m.archive, m.name, m.data); err != nil {
				fail("cannot add member " + m.name + " to " + m.archive + ": " + err.Error())
			}
		}
	}
	os.Exit(code)
}
