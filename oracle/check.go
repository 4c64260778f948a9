package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// oracle keeps the last few checked packages, so a second batch about the same compile (the
// weaver asks again when a template needs what a match could not know) costs no new check.
type oracle struct {
	mu     sync.Mutex
	recent []*checked
	ids    exportIDs
}

const keepChecked = 8

func newOracle() *oracle { return &oracle{ids: exportIDs{m: map[string]exportID{}}} }

type offsetKey struct {
	file       string
	start, end int
}

type checked struct {
	key string
	mu  sync.Mutex
	// err is set when the package does not type-check: every answer is then undecidable.
	err    error
	imp    *cfgImporter
	pkg    *types.Package
	info   *types.Info
	fset   *token.FileSet
	byOffs map[offsetKey]types.Type
}

func requestKey(req *checkRequest) string {
	var b strings.Builder
	for _, s := range [][]string{req.Files, req.Tags, {req.Pkg, req.Lang, req.GOOS, req.GOARCH, req.Importcfg}} {
		b.WriteString(strings.Join(s, "\x00"))
		b.WriteString("\x01")
	}
	keys := make([]string, 0, len(req.Extra))
	for k := range req.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(k + "=" + req.Extra[k] + "\x00")
	}
	return b.String()
}

func (o *oracle) answer(req *checkRequest) checkReply {
	t0 := time.Now()
	rep := checkReply{T: "check", ID: req.ID, OK: true, Answers: []answer{}, Loaded: []loadedPackage{}}
	key := requestKey(req)
	o.mu.Lock()
	var c *checked
	for _, r := range o.recent {
		if r.key == key {
			c = r
		}
	}
	fresh := c == nil
	if fresh {
		c = &checked{key: key}
		o.recent = append(o.recent, c)
		if len(o.recent) > keepChecked {
			o.recent = o.recent[1:]
		}
	}
	o.mu.Unlock()

	c.mu.Lock()
	defer c.mu.Unlock()
	if fresh {
		o.check(c, req)
		rep.Checked = true
	}
	if c.err != nil {
		rep.OK = false
		rep.Error = &errorData{Code: "E_TYPES", Message: c.err.Error()}
	} else {
		for _, q := range req.Questions {
			rep.Answers = append(rep.Answers, c.answer(q))
		}
	}
	// The packages loaded so far, after the answers: an interface asked about may load one more.
	rep.Loaded = c.imp.loadedPackages(&o.ids)
	rep.Micros = time.Since(t0).Microseconds()
	return rep
}

func (o *oracle) check(c *checked, req *checkRequest) {
	c.fset = token.NewFileSet()
	cfg, err := readImportcfg(req.Importcfg)
	if err != nil {
		c.err = err
		c.imp = newCfgImporter(c.fset, importcfg{}, nil)
		return
	}
	c.imp = newCfgImporter(c.fset, cfg, req.Extra)
	files := make([]*ast.File, 0, len(req.Files))
	for _, name := range req.Files {
		f, err := parser.ParseFile(c.fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			c.err = fmt.Errorf("cannot parse %v", err)
			return
		}
		files = append(files, f)
	}
	var errs []string
	conf := types.Config{
		Importer:  c.imp,
		GoVersion: req.Lang,
		Sizes:     types.SizesFor("gc", req.GOARCH),
		Error: func(err error) {
			if len(errs) < 5 {
				errs = append(errs, err.Error())
			}
		},
	}
	c.info = &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}}
	c.pkg, _ = conf.Check(req.Pkg, c.fset, files, c.info)
	if len(errs) > 0 {
		c.err = fmt.Errorf("go/types cannot check package %s: %s", req.Pkg, strings.Join(errs, "; "))
	}
}

func (c *checked) index() {
	c.byOffs = map[offsetKey]types.Type{}
	add := func(n ast.Node, t types.Type) {
		if t == nil {
			return
		}
		tf := c.fset.File(n.Pos())
		if tf == nil {
			return
		}
		c.byOffs[offsetKey{tf.Name(), tf.Offset(n.Pos()), tf.Offset(n.End())}] = t
	}
	for e, tv := range c.info.Types {
		add(e, tv.Type)
	}
	for id, obj := range c.info.Uses {
		if _, isPkg := obj.(*types.PkgName); !isPkg {
			add(id, obj.Type())
		}
	}
	for id, obj := range c.info.Defs {
		if obj != nil {
			add(id, obj.Type())
		}
	}
}

func (c *checked) answer(q question) answer {
	if c.byOffs == nil {
		c.index()
	}
	t, ok := c.byOffs[offsetKey{q.File, q.Start, q.End}]
	if !ok {
		return answer{Error: fmt.Sprintf("no expression at %s bytes %d-%d", q.File, q.Start, q.End)}
	}
	a := answer{Type: canonical(t)}
	u := types.Unalias(t)
	if p, ok := u.(*types.Pointer); ok {
		u = types.Unalias(p.Elem())
		a.Pointer = true
	}
	if n, ok := u.(*types.Named); ok {
		a.Named = &qualifiedName{Name: n.Obj().Name()}
		if n.Obj().Pkg() != nil {
			a.Named.Path = n.Obj().Pkg().Path()
		}
	}
	switch q.K {
	case "type":
	case "implements":
		if q.Iface == nil {
			return answer{Error: "implements question without an interface"}
		}
		it, err := c.iface(*q.Iface)
		if err != nil {
			return answer{Error: err.Error()}
		}
		impl := types.Implements(t, it)
		a.Implements = &impl
	default:
		return answer{Error: fmt.Sprintf("unknown question kind %q", q.K)}
	}
	return a
}

// iface loads an interface by import path and name; a package the checked one does not import
// comes from the request's extra export files through the same importer, so the types it
// mentions are the very objects the package's own imports refer to.
func (c *checked) iface(q qualifiedName) (*types.Interface, error) {
	var obj types.Object
	switch {
	case q.Path == "":
		obj = types.Universe.Lookup(q.Name)
	case q.Path == c.pkg.Path():
		obj = c.pkg.Scope().Lookup(q.Name)
	default:
		p, err := c.imp.Import(q.Path)
		if err != nil {
			return nil, fmt.Errorf("cannot load %s: %v", q.Path, err)
		}
		obj = p.Scope().Lookup(q.Name)
	}
	name := q.Name
	if q.Path != "" {
		name = q.Path + "." + q.Name
	}
	tn, ok := obj.(*types.TypeName)
	if !ok {
		return nil, fmt.Errorf("%s is not a type", name)
	}
	it, ok := tn.Type().Underlying().(*types.Interface)
	if !ok {
		return nil, fmt.Errorf("%s is not an interface", name)
	}
	return it, nil
}

// canonical spells a type with aliases resolved and packages by import path, the way the
// server renders the types of aspect configuration.
func canonical(t types.Type) string {
	switch t := types.Unalias(t).(type) {
	case *types.Pointer:
		return "*" + canonical(t.Elem())
	case *types.Slice:
		return "[]" + canonical(t.Elem())
	case *types.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), canonical(t.Elem()))
	case *types.Map:
		return "map[" + canonical(t.Key()) + "]" + canonical(t.Elem())
	case *types.Chan:
		switch t.Dir() {
		case types.SendOnly:
			return "chan<- " + canonical(t.Elem())
		case types.RecvOnly:
			return "<-chan " + canonical(t.Elem())
		}
		return "chan " + canonical(t.Elem())
	case *types.Named:
		s := t.Obj().Name()
		if t.Obj().Pkg() != nil {
			s = t.Obj().Pkg().Path() + "." + s
		}
		if args := t.TypeArgs(); args.Len() > 0 {
			parts := make([]string, args.Len())
			for i := range parts {
				parts[i] = canonical(args.At(i))
			}
			s += "[" + strings.Join(parts, ",") + "]"
		}
		return s
	default:
		return types.TypeString(t, func(p *types.Package) string { return p.Path() })
	}
}

type importcfg struct {
	files     map[string]string
	importmap map[string]string
}

func readImportcfg(name string) (importcfg, error) {
	cfg := importcfg{files: map[string]string{}, importmap: map[string]string{}}
	data, err := os.ReadFile(name)
	if err != nil {
		return cfg, fmt.Errorf("cannot read the compile's importcfg: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		verb, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
		k, v, ok := strings.Cut(rest, "=")
		if !ok {
			continue
		}
		switch verb {
		case "packagefile":
			cfg.files[strings.TrimSpace(k)] = strings.TrimSpace(v)
		case "importmap":
			cfg.importmap[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return cfg, nil
}

// cfgImporter reads export data from the files an importcfg names, plus extra files for
// packages the checked package does not import. A new one per checked package: its package
// map is keyed by import path, and test variants give one path several export files.
type cfgImporter struct {
	cfg    importcfg
	extra  map[string]string
	gc     types.Importer
	mu     sync.Mutex
	opened map[string]string // import path → export file read
}

func newCfgImporter(fset *token.FileSet, cfg importcfg, extra map[string]string) *cfgImporter {
	ci := &cfgImporter{cfg: cfg, extra: extra, opened: map[string]string{}}
	ci.gc = importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := ci.cfg.files[path]
		if !ok {
			file, ok = ci.extra[path]
		}
		if !ok {
			return nil, fmt.Errorf("no export data for %q: it is neither in the compile's importcfg nor loaded by weft", path)
		}
		f, err := os.Open(file)
		if err == nil {
			ci.mu.Lock()
			ci.opened[path] = file
			ci.mu.Unlock()
		}
		return f, err
	})
	return ci
}

func (ci *cfgImporter) Import(path string) (*types.Package, error) {
	if m, ok := ci.cfg.importmap[path]; ok {
		path = m
	}
	return ci.gc.Import(path)
}

func (ci *cfgImporter) loadedPackages(ids *exportIDs) []loadedPackage {
	ci.mu.Lock()
	defer ci.mu.Unlock()
	out := make([]loadedPackage, 0, len(ci.opened))
	for p, f := range ci.opened {
		out = append(out, loadedPackage{Path: p, File: f, ID: ids.of(f)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// exportIDs remembers the identity of each export file by path, size and modification time.
type exportIDs struct {
	mu sync.Mutex
	m  map[string]exportID
}

type exportID struct {
	size  int64
	mtime time.Time
	id    string
}

func (e *exportIDs) of(file string) string {
	st, err := os.Stat(file)
	if err != nil {
		return "unreadable"
	}
	e.mu.Lock()
	got, ok := e.m[file]
	e.mu.Unlock()
	if ok && got.size == st.Size() && got.mtime.Equal(st.ModTime()) {
		return got.id
	}
	id := readExportID(file)
	e.mu.Lock()
	e.m[file] = exportID{st.Size(), st.ModTime(), id}
	e.mu.Unlock()
	return id
}

// readExportID returns the build ID the compiler wrote into the archive's export data header
// (it changes whenever the package's content or its dependencies do), else a sha256 of the file.
func readExportID(file string) string {
	f, err := os.Open(file)
	if err != nil {
		return "unreadable"
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(bufio.NewReader(f), head)
	head = head[:n]
	if i := bytes.Index(head, []byte("\nbuild id \"")); i >= 0 {
		rest := head[i+len("\nbuild id \""):]
		if j := bytes.IndexByte(rest, '"'); j > 0 {
			return "buildid:" + string(rest[:j])
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "unreadable"
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "unreadable"
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
