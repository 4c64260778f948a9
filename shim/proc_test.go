package main

import (
	"errors"
	"os"
	"runtime"
	"strconv"
	"testing"
)

type fakeProcs map[int]procInfo

func (f fakeProcs) lookup(pid int) (procInfo, error) {
	if p, ok := f[pid]; ok {
		return p, nil
	}
	return procInfo{}, errors.New("no such process")
}

func TestFindGoCommand(t *testing.T) {
	procs := fakeProcs{
		30: {name: "time", ppid: 20, startTime: "t30"},
		20: {name: "go1.22.4", ppid: 10, startTime: "t20"},
		10: {name: "bash", ppid: 1, startTime: "t10"},
		40: {name: "make", ppid: 10, startTime: "t40"},
	}
	// A wrapper between go and the shim, and the versioned go of golang.org/dl.
	if pid, st, err := findGoCommand(procs, 30); err != nil || pid != 20 || st != "t20" {
		t.Fatalf("findGoCommand(30) = %d %q %v, want 20 t20", pid, st, err)
	}
	// No go above: the parent itself.
	if pid, st, err := findGoCommand(procs, 40); err != nil || pid != 40 || st != "t40" {
		t.Fatalf("findGoCommand(40) = %d %q %v, want 40 t40", pid, st, err)
	}
	if _, _, err := findGoCommand(procs, 99); err == nil {
		t.Fatal("findGoCommand of an unknown parent must fail")
	}
}

func TestIsGoCommandName(t *testing.T) {
	for name, want := range map[string]bool{
		"go": true, "go.exe": true, "/usr/local/go/bin/go": true, "go1.22.4": true, "go1.23rc1": true, `C:\Go\bin\go.exe`: true,
		"gofmt": false, "gopls": false, "go-build": false, "cargo": false, "": false,
	} {
		if got := isGoCommandName(name); got != want {
			t.Errorf("isGoCommandName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestParseProcStat(t *testing.T) {
	p, err := parseProcStat("4242 (go (build) x) S 17 4242 17 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 0 0")
	if err != nil || p.name != "go (build) x" || p.ppid != 17 || p.startTime != "987654" {
		t.Fatalf("parseProcStat = %+v %v", p, err)
	}
	if _, err := parseProcStat("4242 (go S 17"); err == nil {
		t.Fatal("a truncated stat must fail")
	}
}

func TestParsePsLine(t *testing.T) {
	p, err := parsePsLine("  812 Thu Dec  3 06:53:37 2026     /Users/me/sdk/go 1.22/bin/go1.22.4\n")
	if err != nil || p.ppid != 812 || p.name != "/Users/me/sdk/go 1.22/bin/go1.22.4" || p.startTime != "Thu_Dec_3_06:53:37_2026" {
		t.Fatalf("parsePsLine = %+v %v", p, err)
	}
	if _, err := parsePsLine(""); err == nil {
		t.Fatal("empty ps output must fail")
	}
}

func TestPlatformProcs(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("no process table on " + runtime.GOOS)
	}
	self, err := platformProcs().lookup(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if self.ppid != os.Getppid() || self.startTime == "" {
		t.Fatalf("lookup(self) = %+v, want ppid %d", self, os.Getppid())
	}
	if runtime.GOOS == "linux" {
		if _, err := strconv.ParseUint(self.startTime, 10, 64); err != nil {
			t.Fatalf("start time %q is not a number", self.startTime)
		}
	}
	if _, err := platformProcs().lookup(1 << 30); err == nil {
		t.Fatal("lookup of a pid that cannot exist")
	}
}

func TestFindGoCommandRefusesAnOrphanedShim(t *testing.T) {
	table := fakeProcs{1: {name: "systemd", ppid: 0, startTime: "1"}}
	if _, _, err := findGoCommand(table, 1); err == nil {
		t.Fatal("a shim adopted by init was given a go command")
	}
	goAsInit := fakeProcs{1: {name: "go", ppid: 0, startTime: "1"}}
	if pid, _, err := findGoCommand(goAsInit, 1); err != nil || pid != 1 {
		t.Fatalf("go running as pid 1 (a container): got %d, %v", pid, err)
	}
}
