package main

import (
	"errors"
	"net"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A listener with a full backlog makes connect fail with EAGAIN at once; dialUnix must wait
// for room instead of failing the compile.
func TestDialUnixWaitsForAFullBacklog(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "s.sock")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: sock}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	// Fill the backlog with plain dials until the kernel says EAGAIN.
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	full := false
	for i := 0; i < 64 && !full; i++ {
		c, err := net.Dial("unix", sock)
		if err != nil {
			if !errors.Is(err, syscall.EAGAIN) {
				t.Fatalf("unexpected dial error: %v", err)
			}
			full = true
			break
		}
		held = append(held, c)
	}
	if !full {
		t.Skip("could not fill the listen backlog on this kernel")
	}
	// Make room after a while by accepting everything pending.
	go func() {
		time.Sleep(200 * time.Millisecond)
		for i := 0; i < len(held)+2; i++ {
			nfd, _, err := syscall.Accept(fd)
			if err != nil {
				return
			}
			defer syscall.Close(nfd)
		}
		time.Sleep(2 * time.Second)
	}()
	c, err := dialUnix(sock)
	if err != nil {
		t.Fatalf("dialUnix gave up: %v", err)
	}
	c.Close()
}

func TestDialUnixFailsFastWhenNobodyListens(t *testing.T) {
	start := time.Now()
	_, err := dialUnix(filepath.Join(t.TempDir(), "absent.sock"))
	if err == nil {
		t.Fatal("connected to nothing")
	}
	if time.Since(start) > time.Second {
		t.Fatalf("took %v to fail", time.Since(start))
	}
}
