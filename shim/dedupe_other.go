//go:build !unix

package main

import "os"

// runCompile runs a compile and exits (no sharing of outputs between go commands: see dedupe_unix.go).
func runCompile(path string, args []string, members []appendMember) {
	if len(members) == 0 {
		execTool(path, args)
	}
	code := runChild(path, args, nil)
	if code == 0 {
		for _, m := range members {
			if err := appendArMember(m.archive, m.name, m.data); err != nil {
				fail("cannot add member " + m.name + " to " + m.archive + ": " + err.Error())
			}
		}
	}
	os.Exit(code)
}
