package main

// Drop-in mode needs a job server per go process, found through the process table and guarded
// by flock: not available on Windows. `weft go` sets WEFT_SOCKET and does not come here.
func dialDropIn() *conn {
	fail("drop-in mode (-toolexec=<shim> without `weft go`) is not supported on Windows" +
		"\n  hint: run the build through `weft go ...`, which starts the job server and tells the shim where it is")
	return nil
}
