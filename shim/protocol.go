package main

// The Go mirror of src/protocol/messages.ts. Keys and their order follow the TypeScript
// interfaces; bump protocolVersion together with PROTOCOL_VERSION there.

import (
	"encoding/binary"
	"errors"
	"io"
	"strconv"
)

const protocolVersion = 2

// maxFrameBytes mirrors MAX_FRAME_BYTES.
const maxFrameBytes = 64 * 1024 * 1024

// forwardedEnv mirrors FORWARDED_ENV: the variables sent with every ToolRequest.
var forwardedEnv = []string{
	"GOOS", "GOARCH", "GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOARM", "GOARM64", "GO386", "GOWASM",
	"CGO_ENABLED", "GOROOT", "GOPATH", "GOCACHE", "GOMODCACHE", "GOWORK", "GO111MODULE",
	"GOTOOLCHAIN", "GOPROXY", "GONOSUMDB", "GOPRIVATE", "GOINSECURE", "GOFIPS140", "PWD",
}

type kv struct{ k, v string }

type hello struct {
	v    int64
	weft string
}

type errorLocation struct {
	file         string
	line, column int64
	hasLine      bool
	hasColumn    bool
}

type errorData struct {
	code, message string
	hint, aspect  string
	hasHint       bool
	hasAspect     bool
	location      *errorLocation
	details       []string
	hasDetails    bool
}

type helloReply struct {
	v         int64
	weft      string
	ok        bool
	err       *errorData
	suffix    string
	hasSuffix bool
}

type toolRequest struct {
	id   int64
	tool string
	path string
	args []string
	cwd  string
	pkg  string
	env  []kv
	pid  int64
}

type appendMember struct {
	archive, name string
	data          []byte
}

type toolReply struct {
	id        int64
	ok        bool
	args      []string
	append    []appendMember
	hasAppend bool
	// warnings are printed on stderr before the tool runs (go shows them under "# pkg").
	warnings []string
	err      *errorData
}

func (m *hello) encode(e *encoder) {
	e.writeMapHeader(3)
	e.writeStr("t")
	e.writeStr("hello")
	e.writeStr("v")
	e.writeInt(m.v)
	e.writeStr("weft")
	e.writeStr(m.weft)
}

func (m *toolRequest) encode(e *encoder) {
	e.writeMapHeader(9)
	e.writeStr("t")
	e.writeStr("tool")
	e.writeStr("id")
	e.writeInt(m.id)
	e.writeStr("tool")
	e.writeStr(m.tool)
	e.writeStr("path")
	e.writeStr(m.path)
	e.writeStr("args")
	e.writeStrings(m.args)
	e.writeStr("cwd")
	e.writeStr(m.cwd)
	e.writeStr("pkg")
	e.writeStr(m.pkg)
	e.writeStr("env")
	e.writeMapHeader(len(m.env))
	for _, p := range m.env {
		e.writeStr(p.k)
		e.writeStr(p.v)
	}
	e.writeStr("pid")
	e.writeInt(m.pid)
}

func (m *errorData) encode(e *encoder) {
	n := 2
	for _, has := range []bool{m.hasHint, m.location != nil, m.hasAspect, m.hasDetails} {
		if has {
			n++
		}
	}
	e.writeMapHeader(n)
	e.writeStr("code")
	e.writeStr(m.code)
	e.writeStr("message")
	e.writeStr(m.message)
	if m.hasHint {
		e.writeStr("hint")
		e.writeStr(m.hint)
	}
	if l := m.location; l != nil {
		e.writeStr("location")
		n := 1
		if l.hasLine {
			n++
		}
		if l.hasColumn {
			n++
		}
		e.writeMapHeader(n)
		e.writeStr("file")
		e.writeStr(l.file)
		if l.hasLine {
			e.writeStr("line")
			e.writeInt(l.line)
		}
		if l.hasColumn {
			e.writeStr("column")
			e.writeInt(l.column)
		}
	}
	if m.hasAspect {
		e.writeStr("aspect")
		e.writeStr(m.aspect)
	}
	if m.hasDetails {
		e.writeStr("details")
		e.writeStrings(m.details)
	}
}

func (m *helloReply) encode(e *encoder) {
	n := 4
	if m.err != nil {
		n++
	}
	if m.hasSuffix {
		n++
	}
	e.writeMapHeader(n)
	e.writeStr("t")
	e.writeStr("hello")
	e.writeStr("v")
	e.writeInt(m.v)
	e.writeStr("weft")
	e.writeStr(m.weft)
	e.writeStr("ok")
	e.writeBool(m.ok)
	if m.err != nil {
		e.writeStr("error")
		m.err.encode(e)
	}
	if m.hasSuffix {
		e.writeStr("suffix")
		e.writeStr(m.suffix)
	}
}

func (m *toolReply) encode(e *encoder) {
	if !m.ok {
		e.writeMapHeader(4)
		e.writeStr("t")
		e.writeStr("reply")
		e.writeStr("id")
		e.writeInt(m.id)
		e.writeStr("ok")
		e.writeBool(false)
		e.writeStr("error")
		m.err.encode(e)
		return
	}
	n := 4
	if m.hasAppend {
		n++
	}
	if m.warnings != nil {
		n++
	}
	e.writeMapHeader(n)
	e.writeStr("t")
	e.writeStr("reply")
	e.writeStr("id")
	e.writeInt(m.id)
	e.writeStr("ok")
	e.writeBool(true)
	e.writeStr("args")
	e.writeStrings(m.args)
	if m.hasAppend {
		e.writeStr("append")
		e.writeArrayHeader(len(m.append))
		for _, a := range m.append {
			e.writeMapHeader(3)
			e.writeStr("archive")
			e.writeStr(a.archive)
			e.writeStr("name")
			e.writeStr(a.name)
			e.writeStr("data")
			e.writeBin(a.data)
		}
	}
	if m.warnings != nil {
		e.writeStr("warnings")
		e.writeStrings(m.warnings)
	}
}

// field access on decoded maps; every failure names the message and the field.

type fields struct {
	what string
	m    *omap
}

func asFields(v any, what string) (fields, error) {
	m, ok := v.(*omap)
	if !ok {
		return fields{}, errors.New("malformed " + what + ": expected a map")
	}
	return fields{what, m}, nil
}

func (f fields) bad(k, expected string) error {
	return errors.New("malformed " + f.what + ": field \"" + k + "\" must be " + expected)
}

func (f fields) has(k string) bool {
	v, ok := f.m.get(k)
	return ok && v != nil
}

func (f fields) str(k string) (string, error) {
	v, _ := f.m.get(k)
	s, ok := v.(string)
	if !ok {
		return "", f.bad(k, "a string")
	}
	return s, nil
}

func (f fields) int(k string) (int64, error) {
	v, _ := f.m.get(k)
	switch x := v.(type) {
	case int64:
		return x, nil
	case float64:
		// msgpackr writes integers beyond 32 bits as float64.
		if x == float64(int64(x)) {
			return int64(x), nil
		}
	}
	return 0, f.bad(k, "an integer")
}

func (f fields) bool(k string) (bool, error) {
	v, _ := f.m.get(k)
	b, ok := v.(bool)
	if !ok {
		return false, f.bad(k, "a boolean")
	}
	return b, nil
}

func (f fields) strings(k string) ([]string, error) {
	v, _ := f.m.get(k)
	a, ok := v.([]any)
	if !ok {
		return nil, f.bad(k, "an array of strings")
	}
	out := make([]string, len(a))
	for i, el := range a {
		s, ok := el.(string)
		if !ok {
			return nil, f.bad(k+"["+strconv.Itoa(i)+"]", "a string")
		}
		out[i] = s
	}
	return out, nil
}

func (f fields) tag(want string) error {
	t, err := f.str("t")
	if err != nil || t != want {
		return f.bad("t", strconv.Quote(want))
	}
	return nil
}

// firstErr returns the first non-nil error, so decoders can read fields in a row.
func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func decodeHello(v any) (*hello, error) {
	f, err := asFields(v, "Hello")
	if err != nil {
		return nil, err
	}
	m := &hello{}
	var e1, e2 error
	m.v, e1 = f.int("v")
	m.weft, e2 = f.str("weft")
	return m, firstErr(f.tag("hello"), e1, e2)
}

func decodeErrorData(v any, what string) (*errorData, error) {
	f, err := asFields(v, what+" error")
	if err != nil {
		return nil, err
	}
	m := &errorData{}
	var e [8]error
	m.code, e[0] = f.str("code")
	m.message, e[1] = f.str("message")
	if m.hasHint = f.has("hint"); m.hasHint {
		m.hint, e[2] = f.str("hint")
	}
	if m.hasAspect = f.has("aspect"); m.hasAspect {
		m.aspect, e[3] = f.str("aspect")
	}
	if m.hasDetails = f.has("details"); m.hasDetails {
		m.details, e[4] = f.strings("details")
	}
	if f.has("location") {
		lv, _ := f.m.get("location")
		lf, err := asFields(lv, what+" error location")
		if err != nil {
			return nil, err
		}
		l := &errorLocation{}
		l.file, e[5] = lf.str("file")
		if l.hasLine = lf.has("line"); l.hasLine {
			l.line, e[6] = lf.int("line")
		}
		if l.hasColumn = lf.has("column"); l.hasColumn {
			l.column, e[7] = lf.int("column")
		}
		m.location = l
	}
	return m, firstErr(e[:]...)
}

func decodeHelloReply(v any) (*helloReply, error) {
	f, err := asFields(v, "HelloReply")
	if err != nil {
		return nil, err
	}
	m := &helloReply{}
	var e [6]error
	e[0] = f.tag("hello")
	m.v, e[1] = f.int("v")
	m.weft, e[2] = f.str("weft")
	m.ok, e[3] = f.bool("ok")
	if f.has("error") {
		ev, _ := f.m.get("error")
		m.err, e[4] = decodeErrorData(ev, "HelloReply")
	}
	if m.hasSuffix = f.has("suffix"); m.hasSuffix {
		m.suffix, e[5] = f.str("suffix")
	}
	if err := firstErr(e[:]...); err != nil {
		return nil, err
	}
	if !m.ok && m.err == nil {
		return nil, f.bad("error", "set when ok is false")
	}
	return m, nil
}

func decodeToolRequest(v any) (*toolRequest, error) {
	f, err := asFields(v, "ToolRequest")
	if err != nil {
		return nil, err
	}
	m := &toolRequest{}
	var e [9]error
	e[0] = f.tag("tool")
	m.id, e[1] = f.int("id")
	m.tool, e[2] = f.str("tool")
	m.path, e[3] = f.str("path")
	m.args, e[4] = f.strings("args")
	m.cwd, e[5] = f.str("cwd")
	m.pkg, e[6] = f.str("pkg")
	m.pid, e[7] = f.int("pid")
	ev, _ := f.m.get("env")
	if em, ok := ev.(*omap); ok {
		for i, k := range em.keys {
			s, ok := em.vals[i].(string)
			if !ok {
				e[8] = f.bad("env."+k, "a string")
				break
			}
			m.env = append(m.env, kv{k, s})
		}
	} else {
		e[8] = f.bad("env", "a map")
	}
	return m, firstErr(e[:]...)
}

func decodeToolReply(v any) (*toolReply, error) {
	f, err := asFields(v, "ToolReply")
	if err != nil {
		return nil, err
	}
	m := &toolReply{}
	var e [4]error
	e[0] = f.tag("reply")
	m.id, e[1] = f.int("id")
	m.ok, e[2] = f.bool("ok")
	if err := firstErr(e[:]...); err != nil {
		return nil, err
	}
	if !m.ok {
		ev, _ := f.m.get("error")
		m.err, err = decodeErrorData(ev, "ToolReply")
		return m, err
	}
	if m.args, err = f.strings("args"); err != nil {
		return nil, err
	}
	if f.has("warnings") {
		if m.warnings, err = f.strings("warnings"); err != nil {
			return nil, err
		}
	}
	if m.hasAppend = f.has("append"); m.hasAppend {
		av, _ := f.m.get("append")
		list, ok := av.([]any)
		if !ok {
			return nil, f.bad("append", "an array")
		}
		for i, el := range list {
			af, err := asFields(el, "ToolReply append["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			var a appendMember
			var e1, e2 error
			a.archive, e1 = af.str("archive")
			a.name, e2 = af.str("name")
			dv, _ := af.m.get("data")
			data, ok := dv.([]byte)
			if err := firstErr(e1, e2); err != nil {
				return nil, err
			}
			if !ok {
				return nil, af.bad("data", "binary data")
			}
			if len(a.name) == 0 || len(a.name) > 15 {
				return nil, af.bad("name", "an ar member name of 1-15 bytes")
			}
			a.data = data
			m.append = append(m.append, a)
		}
	}
	return m, nil
}

// writeFrame writes a 4-byte big-endian length and the body.
func appendFrame(dst []byte, encode func(*encoder)) []byte {
	start := len(dst)
	e := encoder{b: append(dst, 0, 0, 0, 0)}
	encode(&e)
	binary.BigEndian.PutUint32(e.b[start:], uint32(len(e.b)-start-4))
	return e.b
}

// readFrame reads one frame and decodes its msgpack body.
func readFrame(r io.Reader) (any, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrameBytes {
		return nil, &protocolError{"received a frame that declares " + strconv.FormatUint(uint64(n), 10) + " bytes, more than the limit of " + strconv.Itoa(maxFrameBytes)}
	}
	if n == 0 {
		return nil, &protocolError{"received an empty frame"}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	v, err := decodeValue(body)
	if err != nil {
		return nil, &protocolError{"received a malformed frame: " + err.Error()}
	}
	return v, nil
}

// protocolError is a well-formed connection carrying bad data (as opposed to a lost connection).
type protocolError struct{ msg string }

func (e *protocolError) Error() string { return e.msg }
