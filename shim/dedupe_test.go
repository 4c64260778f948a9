//go:build unix

package main

import "testing"

func TestCompileOutputs(t *testing.T) {
	args := []string{"-o", "/w/b001/_pkg_.a", "-trimpath", "/w/b001=>", "-p", "net/http", "-lang=go1.24", "-std", "-complete", "-buildid", "abc/abc", "-goversion", "go1.26.8", "-c=4", "-nolocalimports", "-importcfg", "/w/b001/importcfg", "-pack", "-asmhdr", "/w/b001/go_asm.h", "/src/a.go"}
	pkg, id, archive, asmhdr, ok := compileOutputs(args)
	if !ok || pkg != "net/http" || id != "abc/abc" || archive != "/w/b001/_pkg_.a" || asmhdr != "/w/b001/go_asm.h" {
		t.Fatalf("got %q %q %q %q %v", pkg, id, archive, asmhdr, ok)
	}
	// A flag's value is not read as a flag: -trimpath's value starting with "-" stays a value.
	if _, _, _, _, ok := compileOutputs([]string{"-trimpath", "-o", "-p", "x", "-buildid", "i/i", "-o", "/a.a"}); !ok {
		t.Fatal("a value was read as a flag")
	}
	for _, extra := range [][]string{{"-linkobj", "/w/x"}, {"-coveragecfg=/w/cfg"}, {"-m"}, {"-json=0,file:///tmp"}} {
		if _, _, _, _, ok := compileOutputs(append(append([]string{}, args...), extra...)); ok {
			t.Errorf("%v: an output the shim does not copy, yet shared", extra)
		}
	}
	if _, _, _, _, ok := compileOutputs([]string{"-o", "/a.a", "-p", "x"}); ok {
		t.Error("a compile without a build ID shared")
	}
}
