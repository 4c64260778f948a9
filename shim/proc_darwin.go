package main

// macOS has no /proc. ps reports parent, start time and command for any process of the user;
// it costs one exec per level walked, paid only by compiles and links in drop-in mode.

import (
	"errors"
	"os/exec"
	"strconv"
)

type psProcs struct{}

func (psProcs) lookup(pid int) (procInfo, error) {
	out, err := exec.Command("/bin/ps", "-ww", "-o", "ppid=", "-o", "lstart=", "-o", "comm=", "-p", strconv.Itoa(pid)).Output()
	if err != nil {
		return procInfo{}, errors.New("ps -p " + strconv.Itoa(pid) + ": " + err.Error())
	}
	return parsePsLine(string(out))
}

func platformProcs() processTable { return psProcs{} }
