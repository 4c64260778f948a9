//go:build unix

package main

// Replaying a build without Node (docs/replay-record.md). Where no daemon runs (CI), an
// in-process build that used a stored plan and asks nothing of weft while go runs leaves a
// replay record (src/plan/replay-record.ts): go's exact command and every input the decision
// depended on, by content. The next `weft go` with the same command line, environment and
// GOENV file finds the record by a key computed here, checks every recorded input, runs go as
// recorded and checks the inputs again once go has exited. Node owns the decision; this side
// only verifies: a record that is missing, unreadable, of another format, or that any input
// contradicts sends the build to Node, which decides again and writes a new record. An edited
// local Go file does not contradict it when its header is the same and it holds none of the
// strings the record's screen for it names (passesScreen).

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

const replayFormat = "weft-replay 2"

// replayRacy is file-stamp.ts's RACY_NS: a file time this close to the check cannot vouch that
// the content read is the content go compiles; such a file is hashed again after go.
const replayRacy = 2 * time.Second

// replayEnvNames mirrors REPLAY_ENV_NAMES in src/plan/replay-record.ts.
var replayEnvNames = map[string]bool{"CC": true, "CXX": true, "FC": true, "AR": true, "PKG_CONFIG": true, "GCCGO": true, "CI": true, "PATH": true, "HOME": true, "XDG_CONFIG_HOME": true, "XDG_CACHE_HOME": true, "TMPDIR": true}

// replayEnv mirrors replayEnv in src/plan/replay-record.ts: the variables a key holds, sorted.
func replayEnv(env []string) []string {
	last := map[string]string{}
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if !(strings.HasPrefix(k, "GO") || strings.HasPrefix(k, "CGO_") || strings.HasPrefix(k, "WEFT_") || replayEnvNames[k]) {
			continue
		}
		if k == "GOCACHE" || k == "GOTMPDIR" || k == "WEFT_STATS_JSON" || k == "WEFT_REPLAY_DEBUG" || strings.HasPrefix(k, "WEFT_BENCH_") {
			continue
		}
		last[k] = v
	}
	out := make([]string, 0, len(last))
	for k, v := range last {
		out = append(out, k+"="+v)
	}
	sort.Slice(out, func(i, j int) bool {
		a, _, _ := strings.Cut(out[i], "=")
		b, _, _ := strings.Cut(out[j], "=")
		return a < b
	})
	return out
}

// replayKey mirrors replayKey in src/plan/replay-record.ts.
func replayKey(identity, cwd string, args, env []string, goenv string) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s)) + ":" + s + "\n"))
	}
	h.Write([]byte("weft-replay-key 1\n"))
	field(identity)
	field(cwd)
	field(strconv.Itoa(len(args)))
	for _, a := range args {
		field(a)
	}
	e := replayEnv(env)
	field(strconv.Itoa(len(e)))
	for _, kv := range e {
		field(kv)
	}
	field(goenv)
	return "replay-" + hex.EncodeToString(h.Sum(nil))
}

// goenvFile is where go keeps `go env -w` settings: GOENV, else os.UserConfigDir()/go/env as
// go computes it, from the build's environment ("" when there is none).
func goenvFile(env []string) string {
	if g := lookupEnv(env, "GOENV"); g != "" {
		return g
	}
	var dir string
	switch runtime.GOOS {
	case "darwin", "ios":
		if h := lookupEnv(env, "HOME"); h != "" {
			dir = filepath.Join(h, "Library", "Application Support")
		}
	default:
		if x := lookupEnv(env, "XDG_CONFIG_HOME"); x != "" {
			if filepath.IsAbs(x) {
				dir = x
			}
		} else if h := lookupEnv(env, "HOME"); h != "" {
			dir = filepath.Join(h, ".config")
		}
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "go", "env")
}

// goenvDigest mirrors goenvDigest in src/plan/replay-record.ts.
func goenvDigest(env []string) string {
	file := goenvFile(env)
	if file == "off" {
		return "off"
	}
	if file == "" {
		return "none"
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "none"
	}
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// weftCacheDir mirrors weftCacheDir in src/install/ensure-shim.ts ("" when there is none).
func weftCacheDir(env []string, cwd string) string {
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(cwd, p)
	}
	switch {
	case lookupEnv(env, "WEFT_CACHE") != "":
		return abs(lookupEnv(env, "WEFT_CACHE"))
	case lookupEnv(env, "XDG_CACHE_HOME") != "":
		return filepath.Join(abs(lookupEnv(env, "XDG_CACHE_HOME")), "weft")
	case lookupEnv(env, "HOME") != "":
		return filepath.Join(lookupEnv(env, "HOME"), ".cache", "weft")
	}
	return ""
}

type replayFile struct {
	path   string
	size   int64
	sha256 string
	// A local Go file (a gofile line): the SHA-256 of its header (goheader.go) and the index of
	// the screen its content must pass for an edit to leave the record's decision standing.
	header string
	screen int
}

// editable says whether an edit to the file may leave the record's decision standing.
func (f replayFile) editable() bool { return f.header != "" }

type replayStat struct {
	path    string
	size    int64
	mtimeNs int64
}

// replayRecord is a parsed record, its paths made absolute under the root it is replayed at.
type replayRecord struct {
	cwd    string
	goPath string
	args   []string
	set    []string
	unset  []string
	files  []replayFile
	// screens are the strings an edited Go file must not contain (one set per screen line).
	screens [][][]byte
	absent  []string
	dirs    []replayFile // sha256 of the listing; size unused
	stats   []replayStat
}

// readStoreEntry reads a weave cache entry (src/cache/store.ts): `weft-cache 1 <sha256> <length>
// <key>` then the body, which must have that length and hash.
func readStoreEntry(weaveDir, key string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(weaveDir, "v1", key[:2], key))
	if err != nil {
		return nil, err
	}
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 {
		return nil, errors.New("no header")
	}
	h := strings.Split(string(data[:nl]), " ")
	body := data[nl+1:]
	if len(h) != 5 || h[0]+" "+h[1] != "weft-cache 1" || h[4] != key {
		return nil, errors.New("not an entry of this format")
	}
	if n, err := strconv.Atoi(h[3]); err != nil || n != len(body) {
		return nil, errors.New("truncated")
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != h[2] {
		return nil, errors.New("checksum mismatch")
	}
	// Recency for trimming, as the store's own reads do; a read-only cache still answers.
	now := time.Now()
	os.Chtimes(filepath.Join(weaveDir, "v1", key[:2], key), now, now)
	return body, nil
}

// parseReplayRecord reads a record's text (docs/replay-record.md), its `r` paths under root.
func parseReplayRecord(body []byte, key, root string) (*replayRecord, error) {
	r := &replayRecord{}
	place := func(s string) (string, error) {
		kind, p, ok := strings.Cut(s, " ")
		if !ok || p == "" {
			return "", errors.New("bad path " + strconv.Quote(s))
		}
		switch kind {
		case "r":
			if p == "." {
				return root, nil
			}
			return filepath.Join(root, p), nil
		case "a":
			if !filepath.IsAbs(p) {
				return "", errors.New("not absolute: " + strconv.Quote(p))
			}
			return p, nil
		}
		return "", errors.New("bad path " + strconv.Quote(s))
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	sawKey := false
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			if text != replayFormat {
				return nil, errors.New("not a record of this format")
			}
			continue
		}
		tag, rest, _ := strings.Cut(text, " ")
		var err error
		switch tag {
		case "key":
			if rest != key {
				return nil, errors.New("a record of another key")
			}
			sawKey = true
		case "cwd":
			r.cwd, err = place(rest)
		case "go":
			r.goPath = rest
		case "arg":
			r.args = append(r.args, rest)
		case "set":
			if !strings.Contains(rest, "=") {
				err = errors.New("bad set line")
			}
			r.set = append(r.set, rest)
		case "unset":
			r.unset = append(r.unset, rest)
		case "screen":
			var set [][]byte
			for _, h := range strings.Fields(rest) {
				b, e := hex.DecodeString(h)
				if e != nil || len(b) == 0 {
					err = errors.New("bad screen line")
					break
				}
				set = append(set, b)
			}
			r.screens = append(r.screens, set)
		case "gofile":
			parts := strings.SplitN(rest, " ", 6)
			if len(parts) != 6 {
				err = errors.New("bad gofile line")
				break
			}
			size, e1 := strconv.ParseInt(parts[0], 10, 64)
			screen, e2 := strconv.Atoi(parts[3])
			if err = firstErr(e1, e2); err != nil {
				break
			}
			if screen < 0 || screen >= len(r.screens) || len(parts[2]) != 64 {
				err = errors.New("bad gofile line")
				break
			}
			var p string
			if p, err = place(parts[4] + " " + parts[5]); err != nil {
				break
			}
			r.files = append(r.files, replayFile{path: p, size: size, sha256: parts[1], header: parts[2], screen: screen})
		case "file", "dir", "stat":
			n := 3
			if tag == "dir" {
				n = 2
			}
			parts := strings.SplitN(rest, " ", n+1)
			if len(parts) != n+1 {
				err = errors.New("bad " + tag + " line")
				break
			}
			var p string
			if p, err = place(parts[n-1] + " " + parts[n]); err != nil {
				break
			}
			switch tag {
			case "file":
				size, e := strconv.ParseInt(parts[0], 10, 64)
				err = e
				r.files = append(r.files, replayFile{path: p, size: size, sha256: parts[1]})
			case "dir":
				r.dirs = append(r.dirs, replayFile{path: p, sha256: parts[0]})
			case "stat":
				size, e1 := strconv.ParseInt(parts[0], 10, 64)
				mtime, e2 := strconv.ParseInt(parts[1], 10, 64)
				err = firstErr(e1, e2)
				r.stats = append(r.stats, replayStat{path: p, size: size, mtimeNs: mtime})
			}
		case "absent":
			var p string
			p, err = place(rest)
			r.absent = append(r.absent, p)
		default:
			// A line of a later record version this front end does not know: it cannot vouch.
			return nil, errors.New("unknown line " + strconv.Quote(tag))
		}
		if err != nil {
			return nil, errors.New("line " + strconv.Itoa(line) + ": " + err.Error())
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if line == 0 || !sawKey || r.cwd == "" || !filepath.IsAbs(r.goPath) || len(r.args) == 0 {
		return nil, errors.New("incomplete record")
	}
	return r, nil
}

// seen is what one check saw of a path: compared after go, so a change while go ran is noticed.
type seen struct {
	exists bool
	size   int64
	mtime  int64
	ino    uint64
	racy   bool
}

func seenOf(fi fs.FileInfo, at time.Time) seen {
	s := seen{exists: true, size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.ino = uint64(st.Ino)
	}
	s.racy = !fi.ModTime().Before(at.Add(-replayRacy))
	return s
}

// replayCheck is the outcome of checking every input: what was seen of each, or why it differs.
type replayCheck struct {
	files []seen
	dirs  []seen
	// sums are the files' content hashes as checked: an edited Go file's is its new one.
	sums []string
	// edited counts the Go files whose edit the record let through.
	edited int
}

// verify checks every recorded input, files hashed in parallel; an error says which one differs.
// Each file is stat'ed before it is read, so what is seen vouches for the bytes hashed. A local
// Go file whose content changed passes when the change leaves the record's decision standing
// (passesScreen).
func (r *replayRecord) verify() (*replayCheck, error) {
	at := time.Now()
	c := &replayCheck{files: make([]seen, len(r.files)), dirs: make([]seen, len(r.dirs)), sums: make([]string, len(r.files))}
	for _, s := range r.stats {
		fi, err := os.Stat(s.path)
		if err != nil || fi.Size() != s.size || fi.ModTime().UnixNano() != s.mtimeNs {
			return nil, errors.New(s.path + " changed")
		}
	}
	for _, p := range r.absent {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			return nil, errors.New(p + " exists now")
		}
	}
	// Sizes first: an edit that changes a file's size (most do) to a file no edit may change
	// sends the build to Node after one stat per file, not after hashing whatever the workers
	// reached. Each stat still comes before the read it vouches for.
	infos := make([]fs.FileInfo, len(r.files))
	for i, f := range r.files {
		fi, err := os.Stat(f.path)
		if err != nil || !fi.Mode().IsRegular() {
			return nil, errors.New(f.path + " is gone")
		}
		if fi.Size() != f.size && !f.editable() {
			return nil, errors.New(f.path + " changed")
		}
		infos[i] = fi
	}
	jobs := len(r.files) + len(r.dirs)
	workers := 2 * runtime.NumCPU()
	if workers > 16 {
		workers = 16
	}
	var (
		mu    sync.Mutex
		first error
		next  int
		wg    sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
	}
	take := func() int {
		mu.Lock()
		defer mu.Unlock()
		if first != nil || next >= jobs {
			return -1
		}
		next++
		return next - 1
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := take(); i >= 0; i = take() {
				if i < len(r.files) {
					sum, edited, err := r.checkFile(r.files[i])
					if err != nil {
						fail(err)
						return
					}
					c.files[i], c.sums[i] = seenOf(infos[i], at), sum
					if edited {
						mu.Lock()
						c.edited++
						mu.Unlock()
					}
				} else {
					d := r.dirs[i-len(r.files)]
					s, err := checkDir(d, at)
					if err != nil {
						fail(err)
						return
					}
					c.dirs[i-len(r.files)] = s
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return c, nil
}

// checkFile reads a file once (verify stat'ed it before) and gives its content hash: the
// recorded one, or an edited Go file's new one when the edit passes the file's screen.
func (r *replayRecord) checkFile(f replayFile) (sum string, edited bool, err error) {
	data, err := os.ReadFile(f.path)
	if err != nil {
		return "", false, errors.New(f.path + " is gone")
	}
	h := sha256.Sum256(data)
	sum = hex.EncodeToString(h[:])
	if sum == f.sha256 {
		return sum, false, nil
	}
	if f.editable() {
		if why := r.passesScreen(f, data); why != "" {
			return "", false, errors.New(f.path + " changed: " + why)
		}
		return sum, true, nil
	}
	return "", false, errors.New(f.path + " changed")
}

// passesScreen says why an edited Go file's new content could change what Node decided ("" when
// it cannot): go list reads only the header, so the same header lists the same packages; and
// no aspect can match in a file holding none of its screen's strings, so every screening stays
// as it was (nothing woven, or the record would not exist).
func (r *replayRecord) passesScreen(f replayFile, data []byte) string {
	header, ok := goHeader(data)
	if !ok || !utf8.Valid(header) {
		return "its header cannot be read here"
	}
	if h := sha256.Sum256(header); hex.EncodeToString(h[:]) != f.header {
		return "its package clause, build constraints or imports changed"
	}
	for _, needle := range r.screens[f.screen] {
		if bytes.Contains(data, needle) {
			return "it now holds " + strconv.Quote(string(needle)) + ", which an aspect looks for"
		}
	}
	return ""
}

func checkDir(d replayFile, at time.Time) (seen, error) {
	fi, err := os.Stat(d.path)
	if err != nil || !fi.IsDir() {
		return seen{}, errors.New(d.path + " is gone")
	}
	if sum, err := listingSHA256(d.path); err != nil || sum != d.sha256 {
		return seen{}, errors.New("files were added to or removed from " + d.path)
	}
	return seenOf(fi, at), nil
}

func fileSHA256(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:]), nil
}

// listingSHA256 hashes a directory's entry names, sorted, joined by "/" (PlanRecord.dirs).
func listingSHA256(dir string) (string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return "", err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	h := sha256.Sum256([]byte(strings.Join(names, "/")))
	return hex.EncodeToString(h[:]), nil
}

// heldThrough says whether every input is still as verify saw it: same size, time and inode,
// and for a racy one (a time too recent to vouch) the same content.
func (r *replayRecord) heldThrough(c *replayCheck) bool {
	held := func(inputs []replayFile, saw []seen, sums []string, isDir bool, hash func(string) (string, error)) bool {
		for i, f := range inputs {
			fi, err := os.Stat(f.path)
			if err != nil {
				return false
			}
			now, was := seenOf(fi, time.Now()), saw[i]
			if now.size != was.size || now.mtime != was.mtime || now.ino != was.ino || fi.IsDir() != isDir {
				return false
			}
			if was.racy {
				if sum, err := hash(f.path); err != nil || sum != sums[i] {
					return false
				}
			}
		}
		return true
	}
	dirSums := make([]string, len(r.dirs))
	for i, d := range r.dirs {
		dirSums[i] = d.sha256
	}
	if !held(r.files, c.files, c.sums, false, fileSHA256) || !held(r.dirs, c.dirs, dirSums, true, listingSHA256) {
		return false
	}
	for _, p := range r.absent {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	return true
}

// goEnv is the caller's environment with the record's changes: what Node gave go.
func (r *replayRecord) goEnv(env []string) []string {
	drop := map[string]bool{}
	for _, k := range r.unset {
		drop[k] = true
	}
	for _, kv := range r.set {
		k, _, _ := strings.Cut(kv, "=")
		drop[k] = true
	}
	out := make([]string, 0, len(env)+len(r.set))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			out = append(out, kv)
		}
	}
	return append(out, r.set...)
}

// findReplay is the record for this build with every input checked, or why there is none.
func (f *front) findReplay() (*replayRecord, *replayCheck, error) {
	if !instrumented(f.args) || progressWanted(f.args, f.env, isTerminal(2)) || f.cwd == "" {
		return nil, nil, errors.New("not a build the front end replays")
	}
	if !pointerFresh(f.pkgroot, f.identity, f.env, f.cwd) {
		return nil, nil, errors.New("weft's installation changed")
	}
	root := findModuleRoot(goDir(f.args, f.cwd))
	if root == "" {
		return nil, nil, errors.New("no module")
	}
	rel, err := filepath.Rel(root, f.cwd)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return nil, nil, errors.New("the directory is outside the module")
	}
	// A go.work above the module makes go read it (unless GOWORK says which, or off): the record
	// knows only the module's own files.
	if lookupEnv(f.env, "GOWORK") == "" {
		for dir := filepath.Dir(root); ; dir = filepath.Dir(dir) {
			if _, err := os.Lstat(filepath.Join(dir, "go.work")); err == nil {
				return nil, nil, errors.New(filepath.Join(dir, "go.work") + " may make this a workspace build")
			}
			if dir == filepath.Dir(dir) {
				break
			}
		}
	}
	cache := weftCacheDir(f.env, f.cwd)
	if cache == "" {
		return nil, nil, errors.New("no weft cache directory")
	}
	key := replayKey(f.identity, rel, f.args, f.env, goenvDigest(f.env))
	body, err := readStoreEntry(filepath.Join(cache, "weave"), key)
	if err != nil {
		return nil, nil, err
	}
	r, err := parseReplayRecord(body, key, root)
	if err != nil {
		return nil, nil, err
	}
	if r.cwd != f.cwd {
		return nil, nil, errors.New("recorded for another directory")
	}
	c, err := r.verify()
	if err != nil {
		return nil, nil, err
	}
	return r, c, nil
}

// replay runs the recorded build when its record holds, else the build goes to Node. Inputs that
// changed while go ran leave a binary the record cannot vouch for: Node builds again.
func (f *front) replay() frontOutcome {
	started := time.Now()
	r, c, err := f.findReplay()
	if err != nil {
		if lookupEnv(f.env, "WEFT_REPLAY_DEBUG") != "" {
			f.warn("no replay (" + time.Since(started).Round(time.Millisecond).String() + "): " + err.Error())
		}
		return toNode
	}
	checked := time.Since(started)
	goStarted := time.Now()
	code := f.startAndWait(&runMsg{goPath: r.goPath, args: r.args, env: r.goEnv(f.env), dir: f.cwd})
	goWall := time.Since(goStarted)
	if code == 0 && !r.heldThrough(c) {
		// Built again by Node, which decides from the files as they are now; a test or a
		// program already ran and must not run twice: the build fails as Node's stale check
		// fails one (checkPlanHeld in src/build/driver.ts).
		switch subcommand(f.args) {
		case "build", "install", "vet":
			return toNode
		}
		io.WriteString(f.stderr, "weft: files changed while go ran, and the recorded build cannot vouch for them: the build may lack instrumentation\n  hint: run the build again\n")
		code = 1
	}
	if file := lookupEnv(f.env, "WEFT_STATS_JSON"); file != "" {
		writeReplayStats(file, r, c, checked, goWall, time.Since(started), code)
	}
	return frontOutcome{code: code}
}

// writeReplayStats writes the statistics of a replayed build: `planReuse` says "replayed".
func writeReplayStats(file string, r *replayRecord, c *replayCheck, checked, goWall, wall time.Duration, code int) {
	stats := map[string]any{
		"planReuse":     "replayed",
		"mode":          map[string]any{"name": "overlay", "reason": "replayed: the recorded build's inputs hold"},
		"replay":        map[string]any{"files": len(r.files), "edited": c.edited, "dirs": len(r.dirs), "checkMs": checked.Milliseconds()},
		"wallMs":        goWall.Milliseconds(),
		"commandWallMs": wall.Milliseconds(),
		"exitCode":      code,
	}
	data, _ := json.Marshal(stats)
	os.WriteFile(file, append(data, '\n'), 0o666)
}
