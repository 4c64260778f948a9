package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readAr is an independent reader: it checks headers, sizes and padding, and that nothing
// trails the last member.
func readAr(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(arMagic)) {
		t.Fatal("no ar magic")
	}
	out := map[string][]byte{}
	p := len(arMagic)
	for p < len(b) {
		if p+60 > len(b) || string(b[p+58:p+60]) != "`\n" {
			t.Fatalf("bad header at %d", p)
		}
		name := strings.TrimSpace(string(b[p : p+16]))
		size, err := strconv.Atoi(strings.TrimSpace(string(b[p+48 : p+58])))
		if err != nil || p+60+size > len(b) {
			t.Fatalf("bad size at %d", p)
		}
		out[name] = b[p+60 : p+60+size]
		p += 60 + size + size%2
	}
	if p != len(b) {
		t.Fatalf("%d bytes past the last member", p-len(b))
	}
	return out
}

func TestAppendArMember(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "_pkg_.a")
	// an archive with one odd-sized member, correctly padded
	first := []byte("abc")
	base := append([]byte(arMagic), arHeader("__.PKGDEF", len(first))...)
	base = append(append(base, first...), '\n')
	if err := os.WriteFile(a, base, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := appendArMember(a, "link.deps", []byte("odd")); err != nil {
		t.Fatal(err)
	}
	if err := appendArMember(a, "weft.more", []byte("even")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(a)
	m := readAr(t, b)
	if string(m["__.PKGDEF"]) != "abc" || string(m["link.deps"]) != "odd" || string(m["weft.more"]) != "even" || len(m) != 3 {
		t.Fatalf("members: %q", m)
	}
}

func TestAppendArMemberToUnpaddedArchive(t *testing.T) {
	a := filepath.Join(t.TempDir(), "x.a")
	// last member odd and unpadded: the new member must still start at an even offset
	base := append([]byte(arMagic), arHeader("first", 1)...)
	base = append(base, 'x')
	os.WriteFile(a, base, 0o644)
	if err := appendArMember(a, "second", []byte("12345678")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(a)
	if m := readAr(t, b); string(m["second"]) != "12345678" {
		t.Fatalf("members: %q", m)
	}
}

func TestAppendArMemberRefusals(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	os.WriteFile(plain, []byte("not an archive"), 0o644)
	if err := appendArMember(plain, "m", []byte("x")); err == nil || !strings.Contains(err.Error(), "not an ar archive") {
		t.Fatalf("got %v", err)
	}
	if b, _ := os.ReadFile(plain); string(b) != "not an archive" {
		t.Fatal("refused archive was modified")
	}
	if err := appendArMember(plain, "sixteen-bytes-xx", []byte("x")); err == nil {
		t.Fatal("long name accepted")
	}
	if err := appendArMember(filepath.Join(dir, "missing"), "m", []byte("x")); err == nil {
		t.Fatal("missing archive accepted")
	}
}

func TestFormatErrorMirrorsTypeScript(t *testing.T) {
	d := &errorData{code: "E_WEAVE_FAILED", message: "boom", hint: "do X", hasHint: true, aspect: "a b", hasAspect: true,
		location: &errorLocation{file: "/x.go", line: 3, hasLine: true}, details: []string{"one", "two"}, hasDetails: true}
	want := "weft: /x.go:3: aspect \"a b\": boom\n  one\n  two\n  hint: do X"
	if got := formatError(d); got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if got := formatError(&errorData{message: "plain"}); got != "weft: plain" {
		t.Fatalf("got %q", got)
	}
}

func TestToolName(t *testing.T) {
	for in, want := range map[string]string{"/go/pkg/tool/linux_amd64/compile": "compile", `C:\go\link.exe`: "link", "asm": "asm"} {
		if got := toolName(in); got != want {
			t.Errorf("toolName(%q) = %q, want %q", in, got, want)
		}
	}
}
