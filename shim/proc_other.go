//go:build !linux && !darwin

package main

import (
	"errors"
	"runtime"
)

type noProcs struct{}

func (noProcs) lookup(int) (procInfo, error) {
	return procInfo{}, errors.New("finding the go command is not supported on " + runtime.GOOS)
}

func platformProcs() processTable { return noProcs{} }
