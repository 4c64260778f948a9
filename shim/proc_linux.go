package main

import (
	"os"
	"strconv"
)

type linuxProcs struct{}

func (linuxProcs) lookup(pid int) (procInfo, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procInfo{}, err
	}
	return parseProcStat(string(b))
}

func platformProcs() processTable { return linuxProcs{} }
