//go:build unix

package main

import "bytes"

// The header of a Go source file, as src/plan/go-header.ts scans it: everything up to the end of
// its last import declaration. A replay record (replay.go) holds each local Go file's header by
// hash; an edit that keeps it leaves go list's view of the package as it was. This must give
// exactly the bytes Node's scanner gives, or nothing: it gives up (ok false) on any byte outside
// ASCII where the scanner would read an identifier or a space, and on identifiers as long as the
// scanner's window, so it never answers where the two could differ.
// test/fixtures/replay/headers.json holds the cases both sides check.

const headerIdentMax = 256

// goHeader is the header of src, or ok false where Node's scanner gives null or where this one
// cannot vouch that it gives what Node's does.
func goHeader(src []byte) (header []byte, ok bool) {
	s := &headerLexer{src: src}
	if !s.skipSpace() || s.word() != "package" {
		return nil, false
	}
	if !s.skipSpace() || s.ident() == "" {
		return nil, false
	}
	end := s.pos
	for {
		if !s.skipSpace() {
			return nil, false
		}
		if s.peek() == ';' {
			s.pos++
			continue
		}
		if s.eof() {
			return src[:end], !s.bad
		}
		at := s.pos
		if s.word() != "import" {
			s.pos = at
			return src[:end], !s.bad
		}
		if !s.skipSpace() {
			return nil, false
		}
		if s.peek() == '(' {
			s.pos++
			for {
				if !s.skipSpace() {
					return nil, false
				}
				c := s.peek()
				if c == ')' {
					s.pos++
					break
				}
				if c == ';' {
					s.pos++
					continue
				}
				if !s.importSpec() {
					return nil, false
				}
			}
		} else if !s.importSpec() {
			return nil, false
		}
		end = s.pos
	}
}

type headerLexer struct {
	src []byte
	pos int
	// bad: the scan met what only Node's Unicode-aware scanner reads; no answer can be given.
	bad bool
}

func (s *headerLexer) eof() bool { return s.pos >= len(s.src) }

func (s *headerLexer) peek() byte {
	if s.eof() {
		return 0
	}
	return s.src[s.pos]
}

// skipSpace skips white space and comments; false on an unterminated block comment or on a
// byte outside ASCII (Node's scanner skips a byte order mark as space).
func (s *headerLexer) skipSpace() bool {
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			s.pos++
		case c == '/' && s.pos+1 < len(s.src) && s.src[s.pos+1] == '/':
			nl := bytes.IndexByte(s.src[s.pos:], '\n')
			if nl < 0 {
				s.pos = len(s.src)
			} else {
				s.pos += nl + 1
			}
		case c == '/' && s.pos+1 < len(s.src) && s.src[s.pos+1] == '*':
			close := bytes.Index(s.src[s.pos+2:], []byte("*/"))
			if close < 0 {
				return false
			}
			s.pos += 2 + close + 2
		case c >= 0x80:
			s.bad = true
			return false
		default:
			return true
		}
	}
	return true
}

func (s *headerLexer) word() string { return s.ident() }

// ident is an ASCII identifier at the cursor (consumed), "" when there is none; one that goes on
// outside ASCII, or runs to the scanner's window, cannot be vouched for.
func (s *headerLexer) ident() string {
	start := s.pos
	i := s.pos
	for i < len(s.src) {
		c := s.src[i]
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		digit := c >= '0' && c <= '9'
		if c >= 0x80 {
			s.bad = true
			return ""
		}
		if !letter && !(digit && i > start) {
			break
		}
		i++
	}
	if i-start >= headerIdentMax {
		s.bad = true
		return ""
	}
	s.pos = i
	return string(s.src[start:i])
}

func (s *headerLexer) importSpec() bool {
	c := s.peek()
	if c == '.' || c == '_' {
		s.pos++
	} else if c != '"' && c != '`' {
		if s.ident() == "" {
			return false
		}
	}
	if !s.skipSpace() {
		return false
	}
	return s.stringLit()
}

func (s *headerLexer) stringLit() bool {
	q := s.peek()
	if q == '`' {
		close := bytes.IndexByte(s.src[s.pos+1:], '`')
		if close < 0 {
			return false
		}
		s.pos += 1 + close + 1
		return true
	}
	if q != '"' {
		return false
	}
	for i := s.pos + 1; i < len(s.src); i++ {
		switch s.src[i] {
		case '\\':
			i++
		case '\n':
			return false
		case '"':
			s.pos = i + 1
			return true
		}
	}
	return false
}
