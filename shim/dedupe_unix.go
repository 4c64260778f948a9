//go:build unix

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// While weft runs a nested `go list -export` beside the build (WEFT_SHIM_DEDUPE names a
// directory that holds the file `active` meanwhile), both go commands may reach the same
// package with the same build action. Every compile of such a build takes a lock named by its
// package and build ID; one that ends while a nested run is active leaves a copy of its
// outputs in the directory, and a compile that gets the lock after it copies those outputs
// instead of compiling again (a run may start while the outer go's compile is running: the
// lock, not the run, decides). The lock is taken only around the compiler itself, after any
// round trip to the server, so its holder waits on nothing but the compiler: no wait can come
// back to itself.
func nestedRunActive(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "active"))
	return err == nil
}

// compileOutputs returns the compile's archive and assembly header (when asked for), and false
// when the compile has no build ID or writes any other output (profiles, coverage, a linkobj):
// copying those is not worth a rule of its own.
func compileOutputs(args []string) (pkg, buildID, archive, asmhdr string, ok bool) {
	for i := 0; i < len(args); i++ {
		name, value, has := flagOf(args[i])
		if name == "" {
			continue
		}
		if !has && i+1 < len(args) && takesValue(name) {
			i++
			value = args[i]
		}
		switch name {
		case "o":
			archive = value
		case "p":
			pkg = value
		case "buildid":
			buildID = value
		case "asmhdr":
			asmhdr = value
		case "linkobj", "coveragecfg", "cpuprofile", "memprofile", "blockprofile", "mutexprofile", "traceprofile", "bench", "json", "d", "m", "S":
			return "", "", "", "", false
		}
	}
	return pkg, buildID, archive, asmhdr, pkg != "" && buildID != "" && archive != ""
}

// runCompile runs a compile (with members to append to its archive afterwards) and exits,
// sharing its outputs with another go command's identical compile while a nested run is active.
func runCompile(path string, args []string, members []appendMember) {
	// Most compiles run outside any nested run: no argument scan on their way to exec.
	dir := os.Getenv("WEFT_SHIM_DEDUPE")
	var pkg, buildID, archive, asmhdr string
	ok := false
	if dir != "" {
		pkg, buildID, archive, asmhdr, ok = compileOutputs(args)
	}
	if !ok {
		if len(members) == 0 {
			execTool(path, args)
		}
		os.Exit(compileAndAppend(path, args, members))
	}
	sum := sha256.Sum256([]byte(pkg + "\x00" + buildID))
	base := filepath.Join(dir, hex.EncodeToString(sum[:16]))
	lock, err := os.OpenFile(base+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		fail("cannot open " + base + ".lock: " + err.Error())
	}
	for {
		err = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		fail("cannot lock " + base + ".lock: " + err.Error())
	}
	// Released when this process exits, whatever way it does.
	if _, err := os.Stat(base + ".a"); err == nil {
		if asmhdr != "" {
			if err := copyFile(base+".h", asmhdr); err != nil {
				fail("cannot copy the assembly header of " + pkg + " compiled by another go command: " + err.Error())
			}
		}
		if err := copyFile(base+".a", archive); err != nil {
			fail("cannot copy the archive of " + pkg + " compiled by another go command: " + err.Error())
		}
		stat("compile", "shared")
		os.Exit(0)
	}
	code := compileAndAppend(path, args, members)
	if code == 0 && nestedRunActive(dir) {
		// The archive last: its presence says the outputs are complete.
		if asmhdr == "" || copyFile(asmhdr, base+".h") == nil {
			if copyFile(archive, base+".a.tmp") == nil {
				os.Rename(base+".a.tmp", base+".a")
			}
		}
	}
	os.Exit(code)
}

func compileAndAppend(path string, args []string, members []appendMember) int {
	code := runChild(path, args, nil)
	if code == 0 {
		for _, m := range members {
			if err := appendArMember(m.archive, m.name, m.data); err != nil {
				fail("cannot add member " + m.name + " to " + m.archive + ": " + err.Error())
			}
		}
	}
	return code
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
