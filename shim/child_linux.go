package main

import "syscall"

// childSysProcAttr kills a child tool if the shim itself is killed (SIGKILL cannot be passed on).
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
