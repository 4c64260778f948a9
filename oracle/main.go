// Command weft-oracle answers the job server's questions about Go types: the type of an
// expression at a byte offset, whether a type implements an interface. It type-checks a package
// with go/types from the exact files and importcfg of its compile, reading the dependencies'
// export data through the gc importer, so it must be built by the toolchain that compiles the
// build (ensure-oracle.ts does that). One process per build: frames on stdin, replies on stdout,
// batches answered concurrently. Standard library only.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
)

// Baked in by ensure-oracle.ts with -ldflags -X.
var weftVersion = "dev"

func main() {
	if err := serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "weft-oracle: %v\n", err)
		os.Exit(1)
	}
}

func serve(in io.Reader, out io.Writer) error {
	r := bufio.NewReaderSize(in, 64*1024)
	body, err := readFrame(r)
	if err != nil {
		return fmt.Errorf("reading the hello: %w", err)
	}
	var h hello
	if err := json.Unmarshal(body, &h); err != nil || h.T != "hello" {
		return fmt.Errorf("the first frame is not a hello: %s", truncate(body))
	}
	reply := helloReply{T: "hello", V: protocolVersion, Weft: weftVersion, OK: true, Go: runtime.Version()}
	if h.V != protocolVersion {
		reply.OK = false
		reply.Error = &errorData{
			Code:    "E_PROTOCOL",
			Message: fmt.Sprintf("oracle protocol version mismatch: the server speaks %d (weft %s), this oracle %d (weft %s)", h.V, h.Weft, protocolVersion, weftVersion),
			Hint:    "remove the weft cache directory's oracle folder; it is rebuilt from the installed sources",
		}
	}
	var mu sync.Mutex
	send := func(msg any) error {
		mu.Lock()
		defer mu.Unlock()
		return writeFrame(out, msg)
	}
	if err := send(reply); err != nil || !reply.OK {
		return err
	}
	o := newOracle()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		body, err := readFrame(r)
		if err == io.EOF {
			return nil // the server closed our stdin: the build is over
		}
		if err != nil {
			return err
		}
		tag, err := messageTag(body)
		if err != nil || tag != "check" {
			return fmt.Errorf("expected a check request, got %s", truncate(body))
		}
		var req checkRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return fmt.Errorf("malformed check request: %v", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep := o.answer(&req)
			if err := send(rep); err != nil {
				fmt.Fprintf(os.Stderr, "weft-oracle: writing a reply: %v\n", err)
				os.Exit(1)
			}
		}()
	}
}

func truncate(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}
