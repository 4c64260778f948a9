package main

// Windows has AF_UNIX sockets but not the raw system calls sock.go uses; the net package does
// the same job here at the cost of its poller, which matters little where weft cannot run a
// job server of its own (see dropin_windows.go).

import (
	"errors"
	"net"
	"time"
)

var errTimeout = errors.New("timed out")

type unixConn struct {
	c net.Conn
}

func dialUnix(socket string) (*unixConn, error) {
	c, err := net.DialTimeout("unix", socket, connectTimeout)
	if err != nil {
		return nil, err
	}
	return &unixConn{c}, nil
}

func (c *unixConn) setTimeouts(d time.Duration) error {
	return c.c.SetDeadline(time.Now().Add(d))
}

func timeoutOr(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errTimeout
	}
	return err
}

func (c *unixConn) Read(p []byte) (int, error) {
	n, err := c.c.Read(p)
	return n, timeoutOr(err)
}

func (c *unixConn) Write(p []byte) (int, error) {
	n, err := c.c.Write(p)
	return n, timeoutOr(err)
}

func (c *unixConn) Close() error { return c.c.Close() }
