//go:build unix

package main

import (
	"strconv"
	"testing"
)

// The headers Node's scanner gives (src/plan/go-header.ts, which checks the same fixture): this
// side gives the same bytes, or gives up where the fixture says it does (never a different header).
func TestGoHeaderFixture(t *testing.T) {
	var fixture struct {
		Cases []struct {
			Source  string  `json:"source"`
			Header  *string `json:"header"`
			GivesUp bool    `json:"frontEndGivesUp"`
		} `json:"cases"`
	}
	readFixture(t, "replay/headers.json", &fixture)
	if len(fixture.Cases) < 20 {
		t.Fatalf("%d cases", len(fixture.Cases))
	}
	for _, c := range fixture.Cases {
		got, ok := goHeader([]byte(c.Source))
		switch {
		case c.GivesUp:
			if ok {
				t.Errorf("%s: header %q, want to give up", strconv.Quote(c.Source), got)
			}
		case c.Header == nil:
			if ok {
				t.Errorf("%s: header %q, Node's scanner gives none", strconv.Quote(c.Source), got)
			}
		case !ok || string(got) != *c.Header:
			t.Errorf("%s: header %q (ok %v), Node's %q", strconv.Quote(c.Source), got, ok, *c.Header)
		}
	}
}
