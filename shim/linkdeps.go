package main

// A planned build routes a compile the plan did not mark for weaving when the package reaches
// one whose woven code adds link-time packages (a `dependent`, src/plan/plan.ts): its archive
// must carry the union of the link deps its imports' archives carry (src/toolexec/link-deps.ts),
// so that main, reading only its direct imports, sees them all. That union needs no server: the
// shim reads the `weft.linkdeps` members of the archives in the compile's importcfg, runs the
// compiler and appends the merged member, as the server's reply would have it do. Main packages
// still ask the server, which adds blank imports and resolves archives; so does anything this
// side cannot read. test/fixtures/linkdeps/merge.json holds merges both sides check.

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"sort"
	"strings"
)

const (
	linkDepsMember = "weft.linkdeps"
	linkDepsHeader = "#weft.linkdeps@v1"
)

// linkDeps mirrors LinkDeps in src/toolexec/link-deps.ts.
type linkDeps struct {
	imports, linknames []string
}

// mergeLinkDeps mirrors mergeLinkDeps: sorted, unique, a package both imported and linknamed
// counted as imported.
func mergeLinkDeps(sets ...linkDeps) linkDeps {
	imports := map[string]bool{}
	linknames := map[string]bool{}
	for _, s := range sets {
		for _, p := range s.imports {
			imports[p] = true
		}
		for _, p := range s.linknames {
			linknames[p] = true
		}
	}
	var out linkDeps
	for p := range imports {
		out.imports = append(out.imports, p)
	}
	for p := range linknames {
		if !imports[p] {
			out.linknames = append(out.linknames, p)
		}
	}
	sort.Strings(out.imports)
	sort.Strings(out.linknames)
	return out
}

func (d linkDeps) empty() bool { return len(d.imports) == 0 && len(d.linknames) == 0 }

// encode mirrors encodeLinkDeps.
func (d linkDeps) encode() []byte {
	var b bytes.Buffer
	b.WriteString(linkDepsHeader + "\n")
	for _, p := range d.imports {
		b.WriteString("import\t" + p + "\n")
	}
	for _, p := range d.linknames {
		b.WriteString("linkname\t" + p + "\n")
	}
	return b.Bytes()
}

// decodeLinkDeps mirrors decodeLinkDeps; an error where it would throw.
func decodeLinkDeps(data []byte) (linkDeps, error) {
	var d linkDeps
	lines := strings.Split(string(data), "\n")
	var kept []string
	for _, l := range lines {
		if l != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 || kept[0] != linkDepsHeader {
		return d, errors.New("a " + linkDepsMember + " member of another format")
	}
	for _, l := range kept[1:] {
		parts := strings.Split(l, "\t")
		if len(parts) != 2 || parts[1] == "" || parts[0] != "import" && parts[0] != "linkname" {
			return d, errors.New("a malformed " + linkDepsMember + " line")
		}
		if parts[0] == "import" {
			d.imports = append(d.imports, parts[1])
		} else {
			d.linknames = append(d.linknames, parts[1])
		}
	}
	return mergeLinkDeps(d), nil
}

// dependentMembers is what the server would have this compile append: the merged link deps of
// the archives its importcfg names (none when they carry none). ok false: the server must
// answer (no importcfg or output found, an archive or member this side cannot read).
func dependentMembers(args []string) (members []appendMember, ok bool) {
	flags := compileFlags(args, "importcfg", "o")
	importcfg, output := flags["importcfg"], flags["o"]
	if importcfg == "" || output == "" {
		return nil, false
	}
	cfg, err := os.Open(importcfg)
	if err != nil {
		return nil, false
	}
	defer cfg.Close()
	// As parseImportcfg reads it: the last packagefile line of a path counts.
	archives := map[string]string{}
	sc := bufio.NewScanner(cfg)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		rest, found := strings.CutPrefix(line, "packagefile")
		if !found || rest == "" || rest[0] != ' ' && rest[0] != '\t' {
			continue
		}
		path, archive, found := strings.Cut(strings.TrimSpace(rest), "=")
		path, archive = strings.TrimSpace(path), strings.TrimSpace(archive)
		if !found || path == "" || archive == "" {
			return nil, false
		}
		archives[path] = archive
	}
	if sc.Err() != nil {
		return nil, false
	}
	var sets []linkDeps
	for _, archive := range archives {
		data, err := readArMember(archive, linkDepsMember)
		if err != nil {
			return nil, false
		}
		if data == nil {
			continue
		}
		d, err := decodeLinkDeps(data)
		if err != nil {
			return nil, false
		}
		sets = append(sets, d)
	}
	merged := mergeLinkDeps(sets...)
	if merged.empty() {
		return nil, true
	}
	return []appendMember{{archive: output, name: linkDepsMember, data: merged.encode()}}, true
}
