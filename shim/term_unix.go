//go:build linux || darwin

package main

import (
	"syscall"
	"unsafe"
)

// isTerminal reports whether fd is a terminal (the daemon's progress line and colours need to know).
func isTerminal(fd int) bool {
	var t syscall.Termios
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), ioctlGetTermios, uintptr(unsafe.Pointer(&t)))
	return errno == 0
}
