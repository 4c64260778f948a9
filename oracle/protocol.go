package main

// The messages between the job server and the type oracle, mirroring
// src/protocol/oracle-messages.ts field for field. Frames are a 4-byte big-endian length and a
// JSON body: the oracle answers a few batches per build, so the standard library's encoding/json
// is fast enough and keeps this program free of a hand-written codec.

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
)

// protocolVersion mirrors ORACLE_PROTOCOL_VERSION.
const protocolVersion = 1

// maxFrameBytes mirrors ORACLE_MAX_FRAME_BYTES.
const maxFrameBytes = 16 * 1024 * 1024

type errorData struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Hint    string   `json:"hint,omitempty"`
	Details []string `json:"details,omitempty"`
}

type hello struct {
	T    string `json:"t"`
	V    int    `json:"v"`
	Weft string `json:"weft"`
}

type helloReply struct {
	T     string     `json:"t"`
	V     int        `json:"v"`
	Weft  string     `json:"weft"`
	OK    bool       `json:"ok"`
	Error *errorData `json:"error,omitempty"`
	// Go is runtime.Version() of the toolchain that built the oracle (it reads that
	// toolchain's export data).
	Go string `json:"go"`
}

type qualifiedName struct {
	Path string `json:"path"`
	Name string `json:"name"`
}

type question struct {
	// K is "type" (the type of the expression or type expression at [Start, End)) or
	// "implements" (does that type implement Iface).
	K     string         `json:"k"`
	File  string         `json:"file"`
	Start int            `json:"start"`
	End   int            `json:"end"`
	Iface *qualifiedName `json:"iface,omitempty"`
}

type answer struct {
	// Type is the canonical spelling: aliases resolved, packages by import path
	// ("*go.uber.org/zap.Logger", "[]example.com/m.T", "int").
	Type string `json:"type,omitempty"`
	// Named is the named type at the top, under at most one pointer (Pointer says which).
	Named      *qualifiedName `json:"named,omitempty"`
	Pointer    bool           `json:"pointer,omitempty"`
	Implements *bool          `json:"implements,omitempty"`
	Error      string         `json:"error,omitempty"`
}

type loadedPackage struct {
	Path string `json:"path"`
	File string `json:"file"`
	// ID identifies the export data read: the archive's build ID, else a sha256 of the file.
	ID string `json:"id"`
}

type checkRequest struct {
	T         string            `json:"t"`
	ID        int               `json:"id"`
	Pkg       string            `json:"pkg"`
	Files     []string          `json:"files"`
	Lang      string            `json:"lang"`
	GOOS      string            `json:"goos"`
	GOARCH    string            `json:"goarch"`
	Tags      []string          `json:"tags"`
	Importcfg string            `json:"importcfg"`
	Extra     map[string]string `json:"extra"`
	Questions []question        `json:"questions"`
}

type checkReply struct {
	T       string          `json:"t"`
	ID      int             `json:"id"`
	OK      bool            `json:"ok"`
	Error   *errorData      `json:"error,omitempty"`
	Answers []answer        `json:"answers"`
	Loaded  []loadedPackage `json:"loaded"`
	// Checked is false when the answers came from the package checked for an earlier batch.
	Checked bool  `json:"checked"`
	Micros  int64 `json:"micros"`
}

func readFrame(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 || n > maxFrameBytes {
		return nil, fmt.Errorf("frame of %d bytes (limit %d)", n, maxFrameBytes)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body, nil
}

func writeFrame(w io.Writer, msg any) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if len(body) > maxFrameBytes {
		return fmt.Errorf("refusing to send a %d-byte frame (limit %d)", len(body), maxFrameBytes)
	}
	frame := make([]byte, 4+len(body))
	binary.BigEndian.PutUint32(frame, uint32(len(body)))
	copy(frame[4:], body)
	_, err = w.Write(frame)
	return err
}

// messageTag reads the "t" field of a body without decoding the rest.
func messageTag(body []byte) (string, error) {
	var m struct {
		T string `json:"t"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return "", err
	}
	return m.T, nil
}
