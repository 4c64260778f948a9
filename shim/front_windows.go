package main

// No daemon front end on Windows (bin/weft is a POSIX sh launcher): hand the build to Node.
func runFront(argv []string) {
	if len(argv) < 3 || argv[2] != "go" {
		fail("usage: weft-shim --weft-front <identity> <package root> go [args...] (bin/weft runs this)")
	}
	fail("the daemon front end is not available on Windows; run `weft go ...` through bin/weft.js")
}
