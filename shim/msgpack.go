package main

// A minimal msgpack encoder and decoder: only the types the weft messages use. The encoder picks
// the smallest header for every value, exactly as msgpackr does with variableMapSize, so frames
// written here and in TypeScript are byte-identical. The decoder checks every length against
// the bytes left before allocating, and limits nesting, so a malformed frame is an error, never
// a panic, a huge allocation or a hang.

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
)

type encoder struct {
	b []byte
}

func (e *encoder) writeNil() { e.b = append(e.b, 0xc0) }

func (e *encoder) writeBool(v bool) {
	if v {
		e.b = append(e.b, 0xc3)
	} else {
		e.b = append(e.b, 0xc2)
	}
}

func (e *encoder) writeInt(v int64) {
	switch {
	case v >= 0 && v < 0x80:
		e.b = append(e.b, byte(v))
	case v >= 0 && v < 0x100:
		e.b = append(e.b, 0xcc, byte(v))
	case v >= 0 && v < 0x10000:
		e.b = append(e.b, 0xcd, byte(v>>8), byte(v))
	case v >= 0 && v < 0x100000000:
		e.b = append(e.b, 0xce)
		e.b = binary.BigEndian.AppendUint32(e.b, uint32(v))
	case v >= 0:
		e.b = append(e.b, 0xcf)
		e.b = binary.BigEndian.AppendUint64(e.b, uint64(v))
	case v >= -32:
		e.b = append(e.b, byte(v))
	case v >= -0x80:
		e.b = append(e.b, 0xd0, byte(v))
	case v >= -0x8000:
		e.b = append(e.b, 0xd1, byte(v>>8), byte(v))
	case v >= -0x80000000:
		e.b = append(e.b, 0xd2)
		e.b = binary.BigEndian.AppendUint32(e.b, uint32(v))
	default:
		e.b = append(e.b, 0xd3)
		e.b = binary.BigEndian.AppendUint64(e.b, uint64(v))
	}
}

func (e *encoder) writeFloat(v float64) {
	e.b = append(e.b, 0xcb)
	e.b = binary.BigEndian.AppendUint64(e.b, math.Float64bits(v))
}

func (e *encoder) writeStr(s string) {
	n := len(s)
	switch {
	case n < 32:
		e.b = append(e.b, 0xa0|byte(n))
	case n < 0x100:
		e.b = append(e.b, 0xd9, byte(n))
	case n < 0x10000:
		e.b = append(e.b, 0xda, byte(n>>8), byte(n))
	default:
		e.b = append(e.b, 0xdb)
		e.b = binary.BigEndian.AppendUint32(e.b, uint32(n))
	}
	e.b = append(e.b, s...)
}

func (e *encoder) writeBin(p []byte) {
	n := len(p)
	switch {
	case n < 0x100:
		e.b = append(e.b, 0xc4, byte(n))
	case n < 0x10000:
		e.b = append(e.b, 0xc5, byte(n>>8), byte(n))
	default:
		e.b = append(e.b, 0xc6)
		e.b = binary.BigEndian.AppendUint32(e.b, uint32(n))
	}
	e.b = append(e.b, p...)
}

func (e *encoder) writeArrayHeader(n int) { e.writeHeader(n, 0x90, 0xdc) }
func (e *encoder) writeMapHeader(n int)   { e.writeHeader(n, 0x80, 0xde) }

func (e *encoder) writeHeader(n int, fix, x16 byte) {
	switch {
	case n < 16:
		e.b = append(e.b, fix|byte(n))
	case n < 0x10000:
		e.b = append(e.b, x16, byte(n>>8), byte(n))
	default:
		e.b = append(e.b, x16+1)
		e.b = binary.BigEndian.AppendUint32(e.b, uint32(n))
	}
}

func (e *encoder) writeStrings(ss []string) {
	e.writeArrayHeader(len(ss))
	for _, s := range ss {
		e.writeStr(s)
	}
}

// omap is a decoded msgpack map: string keys in wire order (order matters for byte-identical
// re-encoding in tests; lookups are linear, messages have a handful of keys).
type omap struct {
	keys []string
	vals []any
}

func (m *omap) get(k string) (any, bool) {
	for i, key := range m.keys {
		if key == k {
			return m.vals[i], true
		}
	}
	return nil, false
}

// maxDepth bounds nesting; the deepest message (an error location inside a reply) is 3 deep.
const maxDepth = 16

var errTruncated = errors.New("msgpack: value runs past the end of the frame")

type decoder struct {
	b []byte
	p int
}

// decodeValue decodes exactly one msgpack value filling all of b.
func decodeValue(b []byte) (any, error) {
	d := decoder{b: b}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if d.p != len(b) {
		return nil, errors.New("msgpack: " + strconv.Itoa(len(b)-d.p) + " bytes left after the value")
	}
	return v, nil
}

func (d *decoder) need(n int) ([]byte, error) {
	if n < 0 || n > len(d.b)-d.p {
		return nil, errTruncated
	}
	s := d.b[d.p : d.p+n]
	d.p += n
	return s, nil
}

func (d *decoder) uint(n int) (uint64, error) {
	s, err := d.need(n)
	if err != nil {
		return 0, err
	}
	var v uint64
	for _, c := range s {
		v = v<<8 | uint64(c)
	}
	return v, nil
}

// length reads an n-byte length and checks that at least min*length bytes remain, so a forged
// length cannot make us allocate more than the frame could hold.
func (d *decoder) length(n int, min int) (int, error) {
	v, err := d.uint(n)
	if err != nil {
		return 0, err
	}
	if v > uint64(len(d.b)-d.p) || int(v)*min > len(d.b)-d.p {
		return 0, errTruncated
	}
	return int(v), nil
}

func (d *decoder) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, errors.New("msgpack: nested too deeply")
	}
	s, err := d.need(1)
	if err != nil {
		return nil, err
	}
	c := s[0]
	switch {
	case c <= 0x7f:
		return int64(c), nil
	case c >= 0xe0:
		return int64(int8(c)), nil
	case c&0xe0 == 0xa0:
		return d.str(int(c & 0x1f))
	case c&0xf0 == 0x90:
		return d.array(int(c&0x0f), depth)
	case c&0xf0 == 0x80:
		return d.mapping(int(c&0x0f), depth)
	}
	switch c {
	case 0xc0:
		return nil, nil
	case 0xc2:
		return false, nil
	case 0xc3:
		return true, nil
	case 0xc4, 0xc5, 0xc6:
		n, err := d.length(1<<(c-0xc4), 1)
		if err != nil {
			return nil, err
		}
		s, _ := d.need(n)
		return append([]byte(nil), s...), nil
	case 0xca:
		v, err := d.uint(4)
		return float64(math.Float32frombits(uint32(v))), err
	case 0xcb:
		v, err := d.uint(8)
		return math.Float64frombits(v), err
	case 0xcc, 0xcd, 0xce, 0xcf:
		v, err := d.uint(1 << (c - 0xcc))
		if err != nil {
			return nil, err
		}
		if v > math.MaxInt64 {
			return nil, errors.New("msgpack: unsigned integer out of range")
		}
		return int64(v), nil
	case 0xd0, 0xd1, 0xd2, 0xd3:
		n := 1 << (c - 0xd0)
		v, err := d.uint(n)
		if err != nil {
			return nil, err
		}
		shift := uint(64 - 8*n)
		return int64(v<<shift) >> shift, nil
	case 0xd9, 0xda, 0xdb:
		n, err := d.length(1<<(c-0xd9), 1)
		if err != nil {
			return nil, err
		}
		return d.str(n)
	case 0xdc, 0xdd:
		n, err := d.length(2<<(c-0xdc), 1)
		if err != nil {
			return nil, err
		}
		return d.array(n, depth)
	case 0xde, 0xdf:
		n, err := d.length(2<<(c-0xde), 2)
		if err != nil {
			return nil, err
		}
		return d.mapping(n, depth)
	}
	return nil, errors.New("msgpack: unsupported type byte 0x" + strconv.FormatUint(uint64(c), 16))
}

func (d *decoder) str(n int) (any, error) {
	s, err := d.need(n)
	if err != nil {
		return nil, err
	}
	return string(s), nil
}

func (d *decoder) array(n int, depth int) (any, error) {
	if n > len(d.b)-d.p {
		return nil, errTruncated
	}
	out := make([]any, n)
	for i := range out {
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (d *decoder) mapping(n int, depth int) (any, error) {
	if 2*n > len(d.b)-d.p {
		return nil, errTruncated
	}
	m := &omap{keys: make([]string, n), vals: make([]any, n)}
	for i := 0; i < n; i++ {
		k, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		ks, ok := k.(string)
		if !ok {
			return nil, errors.New("msgpack: map key is not a string")
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m.keys[i], m.vals[i] = ks, v
	}
	return m, nil
}

// encodeAny re-encodes a decoded value (used by tests to check byte-identical round trips).
func (e *encoder) encodeAny(v any) error {
	switch x := v.(type) {
	case nil:
		e.writeNil()
	case bool:
		e.writeBool(x)
	case int64:
		e.writeInt(x)
	case float64:
		e.writeFloat(x)
	case string:
		e.writeStr(x)
	case []byte:
		e.writeBin(x)
	case []any:
		e.writeArrayHeader(len(x))
		for _, el := range x {
			if err := e.encodeAny(el); err != nil {
				return err
			}
		}
	case *omap:
		e.writeMapHeader(len(x.keys))
		for i, k := range x.keys {
			e.writeStr(k)
			if err := e.encodeAny(x.vals[i]); err != nil {
				return err
			}
		}
	default:
		return errors.New("msgpack: cannot encode this type")
	}
	return nil
}
