//go:build unix

package main

// A blocking unix-socket client on raw system calls. The shim makes one connection and one
// round trip, then execs: the net package's poller costs a thread hand-off on every wait and
// more init than the whole exchange, and a blocking socket also gets the behaviours we want
// from the kernel directly: connect waits (up to SO_SNDTIMEO) while the listen backlog is full,
// reads give EOF or ECONNRESET at once when the server dies, and SO_RCVTIMEO bounds the wait.

import (
	"errors"
	"io"
	"syscall"
	"time"
)

// errTimeout is what Read/Write report when the socket timeout expires.
var errTimeout = errors.New("timed out")

type unixConn struct {
	fd int
}

func dialUnix(socket string) (*unixConn, error) {
	return dialUnixWithin(socket, connectTimeout)
}

// dialUnixWithin connects, waiting at most timeout for room in a full listen backlog.
func dialUnixWithin(socket string, timeout time.Duration) (*unixConn, error) {
	syscall.ForkLock.RLock()
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err == nil {
		// The tool we may run as a child must not inherit the connection.
		syscall.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, err
	}
	c := &unixConn{fd}
	if err := c.setTimeouts(timeout); err != nil {
		c.Close()
		return nil, err
	}
	for {
		err = syscall.Connect(fd, &syscall.SockaddrUnix{Name: socket})
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		c.Close()
		if err == syscall.EAGAIN {
			// connect slept SO_SNDTIMEO waiting for room in the backlog
			return nil, errors.New("the server did not accept the connection within " + timeout.String())
		}
		return nil, err
	}
	return c, nil
}

// setTimeouts bounds every later blocking read and write (connect too, through SO_SNDTIMEO).
func (c *unixConn) setTimeouts(d time.Duration) error {
	tv := syscall.NsecToTimeval(d.Nanoseconds())
	if err := syscall.SetsockoptTimeval(c.fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv); err != nil {
		return err
	}
	return syscall.SetsockoptTimeval(c.fd, syscall.SOL_SOCKET, syscall.SO_SNDTIMEO, &tv)
}

func (c *unixConn) Read(p []byte) (int, error) {
	for {
		n, err := syscall.Read(c.fd, p)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return 0, errTimeout
		case err != nil:
			return 0, err
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (c *unixConn) Write(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		n, err := syscall.Write(c.fd, p[done:])
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return done, errTimeout
		case err != nil:
			return done, err
		}
		done += n
	}
	return done, nil
}

func (c *unixConn) Close() error {
	if c.fd < 0 {
		return nil
	}
	err := syscall.Close(c.fd)
	c.fd = -1
	return err
}
