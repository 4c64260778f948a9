package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const fixtureDir = "../test/fixtures/protocol/oracle"

func loadFixture(t *testing.T, name string) ([]byte, any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtureDir, name+".bin"))
	if err != nil {
		t.Fatalf("%v (run node test/fixtures/protocol/make.mjs)", err)
	}
	var want any
	data, err := os.ReadFile(filepath.Join(fixtureDir, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	return raw, want
}

// Every sample frame decodes into this side's typed message and encodes back to the same value.
func TestSampleFramesRoundTrip(t *testing.T) {
	names, _ := filepath.Glob(filepath.Join(fixtureDir, "*.bin"))
	if len(names) < 6 {
		t.Fatalf("found %d oracle sample frames", len(names))
	}
	for _, bin := range names {
		name := strings.TrimSuffix(filepath.Base(bin), ".bin")
		t.Run(name, func(t *testing.T) {
			raw, want := loadFixture(t, name)
			body, err := readFrame(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			var typed any
			switch {
			case name == "hello":
				typed = &hello{}
			case strings.HasPrefix(name, "hello-reply"):
				typed = &helloReply{}
			case name == "check-request":
				typed = &checkRequest{}
			case strings.HasPrefix(name, "check-reply"):
				typed = &checkReply{}
			default:
				t.Fatalf("no message type for fixture %s", name)
			}
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(typed); err != nil {
				t.Fatalf("decoding into %T: %v", typed, err)
			}
			var buf bytes.Buffer
			if err := writeFrame(&buf, typed); err != nil {
				t.Fatal(err)
			}
			back, err := readFrame(&buf)
			if err != nil {
				t.Fatal(err)
			}
			var got any
			if err := json.Unmarshal(back, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round trip changed the message:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestHandshakeAccepts(t *testing.T) {
	raw, _ := loadFixture(t, "hello")
	var out bytes.Buffer
	if err := serve(bytes.NewReader(raw), &out); err != nil {
		t.Fatal(err)
	}
	body, err := readFrame(&out)
	if err != nil {
		t.Fatal(err)
	}
	var r helloReply
	if err := json.Unmarshal(body, &r); err != nil || !r.OK || r.V != protocolVersion || r.Go == "" {
		t.Fatalf("reply %s (%v)", body, err)
	}
}

func TestHandshakeRefusesAnotherVersion(t *testing.T) {
	var in bytes.Buffer
	if err := writeFrame(&in, hello{T: "hello", V: protocolVersion + 1, Weft: "9.9.9"}); err != nil {
		t.Fatal(err)
	}
	// A check after a refused hello must not be read: the oracle stops.
	if err := writeFrame(&in, checkRequest{T: "check", ID: 1}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := serve(&in, &out); err != nil {
		t.Fatal(err)
	}
	body, _ := readFrame(&out)
	var r helloReply
	if err := json.Unmarshal(body, &r); err != nil || r.OK || r.Error == nil || r.Error.Code != "E_PROTOCOL" || !strings.Contains(r.Error.Message, "9.9.9") {
		t.Fatalf("reply %s (%v)", body, err)
	}
	if out.Len() != 0 {
		t.Fatalf("the oracle answered after refusing the hello: %q", out.Bytes())
	}
}

func TestRefusesOversizeAndTruncatedFrames(t *testing.T) {
	if _, err := readFrame(bytes.NewReader([]byte{0x01, 0x00, 0x00, 0x01, '{'})); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("oversize frame: %v", err)
	}
	if _, err := readFrame(bytes.NewReader([]byte{0x00, 0x00, 0x00, 0x05, '{', '}'})); err == nil {
		t.Fatal("truncated frame accepted")
	}
}
