// load sends GET requests to a loopback URL from a fixed number of keep-alive connections and
// prints one JSON line: requests, seconds, requests/s, p50 and p99 latency in microseconds.
//
//	load -url http://127.0.0.1:port -n 20000 -c 8 [-warmup 1000] [-timeout 60s]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("url", "", "base URL")
	n := flag.Int("n", 20000, "requests to measure")
	c := flag.Int("c", 8, "concurrent connections")
	warmup := flag.Int("warmup", 1000, "requests sent before measuring")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after this long")
	flag.Parse()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *c, MaxConnsPerHost: *c}, Timeout: 10 * time.Second}
	deadline := time.Now().Add(*timeout)
	get := func(i int) error {
		resp, err := client.Get(fmt.Sprintf("%s/item/%d", *base, i))
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		return err
	}
	phase := func(total int, lat []time.Duration) (time.Duration, error) {
		var next atomic.Int64
		var wg sync.WaitGroup
		var firstErr atomic.Value
		start := time.Now()
		for w := 0; w < *c; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= total || time.Now().After(deadline) {
						return
					}
					t := time.Now()
					if err := get(i); err != nil {
						firstErr.CompareAndSwap(nil, err)
						return
					}
					if lat != nil {
						lat[i] = time.Since(t)
					}
				}
			}()
		}
		wg.Wait()
		if err, _ := firstErr.Load().(error); err != nil {
			return 0, err
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("timed out after %s", *timeout)
		}
		return time.Since(start), nil
	}
	if _, err := phase(*warmup, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lat := make([]time.Duration, *n)
	took, err := phase(*n, lat)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) / 1e3 }
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{
		"requests": *n + *warmup, "seconds": took.Seconds(), "rps": float64(*n) / took.Seconds(), "p50us": pct(0.50), "p99us": pct(0.99),
	})
}
