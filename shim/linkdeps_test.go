package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// readFixture reads a JSON fixture shared with Node's tests (under test/fixtures) into v.
func readFixture(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "test", "fixtures", path))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

// The union both sides compute (test/unit/toolexec/link-deps.test.ts checks the same fixture).
func TestLinkDepsMergeFixture(t *testing.T) {
	var fixture struct {
		Cases []struct {
			Members []string `json:"members"`
			Merged  string   `json:"merged"`
		} `json:"cases"`
	}
	readFixture(t, "linkdeps/merge.json", &fixture)
	if len(fixture.Cases) < 3 {
		t.Fatalf("%d cases", len(fixture.Cases))
	}
	for _, c := range fixture.Cases {
		var sets []linkDeps
		for _, m := range c.Members {
			d, err := decodeLinkDeps([]byte(m))
			if err != nil {
				t.Fatalf("%q: %v", m, err)
			}
			sets = append(sets, d)
		}
		if got := string(mergeLinkDeps(sets...).encode()); got != c.Merged {
			t.Errorf("%q: merged %q, Node's %q", c.Members, got, c.Merged)
		}
	}
	if _, err := decodeLinkDeps([]byte("#weft.linkdeps@v0\nimport\ta\n")); err == nil {
		t.Error("a member of another format was read")
	}
}

// A dependent's compile appends the union of the members its importcfg's archives carry; none
// when they carry none; and leaves to the server what it cannot read.
func TestDependentMembers(t *testing.T) {
	dir := t.TempDir()
	archive := func(name string, member string) string {
		p := filepath.Join(dir, name+".a")
		os.WriteFile(p, append([]byte(arMagic), append(arHeader("__.PKGDEF", 8), []byte("go objec")...)...), 0o644)
		if member != "" {
			if err := appendArMember(p, linkDepsMember, []byte(member)); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	woven := archive("woven", "#weft.linkdeps@v1\nlinkname\texample.com/tracer\n")
	other := archive("other", "#weft.linkdeps@v1\nimport\texample.com/contrib\n")
	plain := archive("plain", "")
	cfg := filepath.Join(dir, "importcfg")
	os.WriteFile(cfg, []byte("# import config\npackagefile example.com/woven="+woven+"\npackagefile example.com/other="+other+"\npackagefile fmt="+plain+"\n"), 0o644)
	out := filepath.Join(dir, "out.a")
	args := []string{"-o", out, "-p", "example.com/dep", "-importcfg", cfg, "-pack", "dep.go"}
	members, ok := dependentMembers(args)
	if !ok {
		t.Fatal("not answered here")
	}
	want := []appendMember{{archive: out, name: linkDepsMember, data: []byte("#weft.linkdeps@v1\nimport\texample.com/contrib\nlinkname\texample.com/tracer\n")}}
	if !reflect.DeepEqual(members, want) {
		t.Fatalf("members %+v, want %+v", members, want)
	}
	os.WriteFile(cfg, []byte("packagefile fmt="+plain+"\n"), 0o644)
	if members, ok := dependentMembers(args); !ok || members != nil {
		t.Fatalf("no link deps: %+v %v, want nothing to append", members, ok)
	}
	broken := archive("broken", "#weft.linkdeps@v9\n")
	os.WriteFile(cfg, []byte("packagefile example.com/broken="+broken+"\n"), 0o644)
	if _, ok := dependentMembers(args); ok {
		t.Fatal("a member of another format was merged here instead of reported by the server")
	}
	os.WriteFile(cfg, []byte("packagefile example.com/gone="+filepath.Join(dir, "gone.a")+"\n"), 0o644)
	if _, ok := dependentMembers(args); ok {
		t.Fatal("a missing archive was skipped")
	}
	if _, ok := dependentMembers([]string{"-o", out, "dep.go"}); ok {
		t.Fatal("a compile without an importcfg was answered here")
	}
}

func TestCompilesMain(t *testing.T) {
	if !compilesMain([]string{"-o", "x", "-p", "main"}) || !compilesMain([]string{"-p=main"}) || compilesMain([]string{"-p", "example.com/main"}) {
		t.Fatal("compilesMain")
	}
}
