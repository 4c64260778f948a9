package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const fixtureDir = "../test/fixtures/protocol"

func fixtures(t *testing.T, prefix string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(fixtureDir, prefix+"*.bin"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no fixtures %s*.bin in %s (run node test/fixtures/protocol/make.mjs): %v", prefix, fixtureDir, err)
	}
	return names
}

// toJSONValue turns a decoded msgpack value into what encoding/json gives for the .json file.
func toJSONValue(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case []byte:
		return map[string]any{"$bin": base64.StdEncoding.EncodeToString(x)}
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			out[i] = toJSONValue(el)
		}
		return out
	case *omap:
		out := map[string]any{}
		for i, k := range x.keys {
			out[k] = toJSONValue(x.vals[i])
		}
		return out
	}
	return v
}

// typedRoundTrip decodes a frame body into the shim's typed message and encodes it back.
func typedRoundTrip(t *testing.T, v any) []byte {
	t.Helper()
	m, _ := v.(*omap)
	tag, _ := m.get("t")
	var enc func(*encoder)
	var err error
	switch tag {
	case "hello":
		if _, isReply := m.get("ok"); isReply {
			var r *helloReply
			r, err = decodeHelloReply(v)
			enc = func(e *encoder) { r.encode(e) }
		} else {
			var h *hello
			h, err = decodeHello(v)
			enc = func(e *encoder) { h.encode(e) }
		}
	case "tool":
		var r *toolRequest
		r, err = decodeToolRequest(v)
		enc = func(e *encoder) { r.encode(e) }
	case "reply":
		var r *toolReply
		r, err = decodeToolReply(v)
		enc = func(e *encoder) { r.encode(e) }
	default:
		t.Fatalf("unknown message tag %v", tag)
	}
	if err != nil {
		t.Fatalf("typed decode: %v", err)
	}
	return appendFrame(nil, enc)
}

func TestFixturesRoundTrip(t *testing.T) {
	count := 0
	for _, bin := range fixtures(t, "") {
		name := strings.TrimSuffix(filepath.Base(bin), ".bin")
		if strings.HasPrefix(name, "bad-") {
			continue
		}
		count++
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(bin)
			if err != nil {
				t.Fatal(err)
			}
			v, err := readFrame(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			// 1. generic re-encode is byte-identical
			e := encoder{}
			if err := e.encodeAny(v); err != nil {
				t.Fatal(err)
			}
			framed := appendFrame(nil, func(x *encoder) { x.b = append(x.b, e.b...) })
			if !bytes.Equal(framed, raw) {
				t.Errorf("generic re-encode differs:\n got %x\nwant %x", framed, raw)
			}
			// 2. the typed messages the shim uses re-encode byte-identically too
			if typed := typedRoundTrip(t, v); !bytes.Equal(typed, raw) {
				t.Errorf("typed re-encode differs:\n got %x\nwant %x", typed, raw)
			}
			// 3. the decoded value equals the .json written by the TypeScript side
			js, err := os.ReadFile(strings.TrimSuffix(bin, ".bin") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var want any
			if err := json.Unmarshal(js, &want); err != nil {
				t.Fatal(err)
			}
			if got := toJSONValue(v); !reflect.DeepEqual(got, want) {
				t.Errorf("decoded value differs from %s.json:\n got %#v\nwant %#v", name, got, want)
			}
		})
	}
	if count < 5 {
		t.Fatalf("only %d good fixtures found", count)
	}
}

func TestFixturesRejected(t *testing.T) {
	for _, bin := range fixtures(t, "bad-") {
		name := strings.TrimSuffix(filepath.Base(bin), ".bin")
		t.Run(name, func(t *testing.T) {
			raw, _ := os.ReadFile(bin)
			js, _ := os.ReadFile(strings.TrimSuffix(bin, ".bin") + ".json")
			var how struct{ Reject, Message, Field string }
			if err := json.Unmarshal(js, &how); err != nil {
				t.Fatal(err)
			}
			v, err := readFrame(bytes.NewReader(raw))
			var pe *protocolError
			switch how.Reject {
			case "truncated":
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("want unexpected EOF, got %v", err)
				}
			case "oversize":
				if !errors.As(err, &pe) || !strings.Contains(pe.msg, "more than the limit") {
					t.Fatalf("want oversize error, got %v", err)
				}
			case "malformed":
				if !errors.As(err, &pe) || !strings.Contains(pe.msg, "malformed") {
					t.Fatalf("want malformed error, got %v (value %#v)", err, v)
				}
			case "invalid":
				if err != nil {
					t.Fatalf("frame should decode: %v", err)
				}
				_, err = decodeToolReply(v)
				if err == nil || !strings.Contains(err.Error(), how.Message) || !strings.Contains(err.Error(), `"`+how.Field+`"`) {
					t.Fatalf("want an error naming %s field %q, got %v", how.Message, how.Field, err)
				}
			default:
				t.Fatalf("unknown reject kind %q", how.Reject)
			}
		})
	}
}

func TestOversizeRefusedBeforeReading(t *testing.T) {
	// Only the header is available: the reader must refuse without waiting for the body.
	_, err := readFrame(bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff}))
	var pe *protocolError
	if !errors.As(err, &pe) {
		t.Fatalf("want protocol error, got %v", err)
	}
}

func TestIntegerWidths(t *testing.T) {
	for _, v := range []int64{0, 1, 127, 128, 255, 256, 65535, 65536, 1<<32 - 1, 1 << 32, 1<<63 - 1, -1, -32, -33, -128, -129, -32768, -32769, -1 << 31, -1<<31 - 1, -1 << 63} {
		e := encoder{}
		e.writeInt(v)
		got, err := decodeValue(e.b)
		if err != nil || got != v {
			t.Errorf("%d: got %v, %v (bytes %x)", v, got, err, e.b)
		}
	}
	// widths match msgpackr's choice of the smallest form
	for v, n := range map[int64]int{127: 1, 128: 2, 255: 2, 256: 3, 65536: 5, -32: 1, -33: 2, -129: 3} {
		e := encoder{}
		e.writeInt(v)
		if len(e.b) != n {
			t.Errorf("%d encoded in %d bytes, want %d", v, len(e.b), n)
		}
	}
}

func TestLongValuesRoundTrip(t *testing.T) {
	long := strings.Repeat("ab", 40000)
	list := make([]any, 70000)
	for i := range list {
		list[i] = int64(i % 3)
	}
	m := &omap{keys: []string{"s", "b", "a"}, vals: []any{long, []byte(long), list}}
	e := encoder{}
	if err := e.encodeAny(m); err != nil {
		t.Fatal(err)
	}
	got, err := decodeValue(e.b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatal("long values did not round-trip")
	}
}

// Every prefix of a valid body and random corruptions must give an error or a value, never a
// panic or a hang.
func TestDecodeNeverPanics(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(fixtureDir, "tool-reply-error.bin"))
	if err != nil {
		t.Fatal(err)
	}
	body := raw[4:]
	for i := 0; i < len(body); i++ {
		if _, err := decodeValue(body[:i]); err == nil {
			t.Errorf("prefix of %d bytes decoded without error", i)
		}
	}
	seed := uint32(12345)
	for round := 0; round < 5000; round++ {
		b := append([]byte(nil), body...)
		for j := 0; j < 3; j++ {
			seed = seed*1664525 + 1013904223
			b[int(seed>>8)%len(b)] = byte(seed >> 24)
		}
		v, err := decodeValue(b)
		if err == nil {
			decodeToolReply(v)
		}
	}
	deep := bytes.Repeat([]byte{0x91}, 100000)
	if _, err := decodeValue(deep); err == nil {
		t.Fatal("deep nesting accepted")
	}
}
