// The shared table of text/template behaviours. Every case with `go !== false` is also run by
// Go's own text/template (test/fixtures/template/gotmpl) in go-oracle.test.ts, which checks
// that Go produces exactly `want` (or an error containing `err`), so no expectation here is
// invented. Data is JSON; integral numbers are ints on both sides (see value.ts).

export interface TemplateCase {
  name: string;
  tpl: string;
  data?: unknown;
  /** Expected output. */
  want?: string;
  /** Expected error: a substring of the message, the same in Go and in weft. */
  err?: string;
  /** Set to false for cases Go's data model cannot express (JS-only semantics). */
  go?: false;
}

/** Functions both sides provide (gotmpl's FuncMap mirrors these). */
export const CASE_FUNCS = {
  upper: (s: string): string => s.toUpperCase(),
  fail: (): string => {
    throw new Error('boom');
  },
  pair: (a: unknown, b: unknown): string => `${fmtPlain(a)}+${fmtPlain(b)}`,
};

function fmtPlain(v: unknown): string {
  return v === null || v === undefined ? '<nil>' : String(v);
}

export const CASES: TemplateCase[] = [
  // ---- text, actions, trimming, comments
  { name: 'plain text', tpl: 'hello, world', want: 'hello, world' },
  { name: 'empty template', tpl: '', want: '' },
  { name: 'dot string', tpl: '<{{.}}>', data: 'x', want: '<x>' },
  { name: 'dot int', tpl: '{{.}}', data: 42, want: '42' },
  { name: 'dot float', tpl: '{{.}}', data: 1.5, want: '1.5' },
  { name: 'dot bool', tpl: '{{.}}', data: true, want: 'true' },
  { name: 'dot nil', tpl: '{{.}}', data: null, want: '<no value>' },
  { name: 'field', tpl: '{{.Name}}', data: { Name: 'n' }, want: 'n' },
  { name: 'field chain', tpl: '{{.A.B.C}}', data: { A: { B: { C: 'deep' } } }, want: 'deep' },
  { name: 'missing key prints no value', tpl: '{{.Nope}}', data: { A: 1 }, want: '<no value>' },
  { name: 'missing key chain', tpl: '{{.Nope.Deeper}}', data: { A: 1 }, want: '<no value>' },
  { name: 'null key', tpl: '{{.A}}', data: { A: null }, want: '<no value>' },
  { name: 'field of null errors', tpl: '{{.A.B}}', data: { A: null }, err: 'nil pointer evaluating interface {}.B' },
  { name: 'field of string errors', tpl: '{{.A.B}}', data: { A: 'x' }, err: "can't evaluate field B" },
  { name: 'field of dot string errors', tpl: '{{.B}}', data: 'x', err: "can't evaluate field B in type string" },
  { name: 'trim both', tpl: 'a  {{- "b" -}}  c', want: 'abc' },
  { name: 'trim newlines', tpl: 'a\n\t{{- 1 }}\n{{- 2 -}}\n\nz', want: 'a12z' },
  { name: 'minus number not trim', tpl: '{{-3}}', want: '-3' },
  { name: 'trim left only', tpl: 'x  {{- "y" }}  z', want: 'xy  z' },
  { name: 'comment', tpl: 'a{{/* a comment */}}b', want: 'ab' },
  { name: 'comment trimmed', tpl: 'a  {{- /* c\nmultiline */ -}}  b', want: 'ab' },
  { name: 'action over lines', tpl: '{{ printf "%s-%s"\n  "a"\n  "b" }}', want: 'a-b' },
  { name: 'map prints sorted', tpl: '{{.}}', data: { b: 2, a: 1 }, want: 'map[a:1 b:2]' },
  { name: 'slice prints', tpl: '{{.}}', data: [1, 'two', null, [3]], want: '[1 two <nil> [3]]' },
  { name: 'float formats', tpl: '{{.a}} {{.b}} {{.c}} {{.d}}', data: { a: 0.0001, b: 0.00001, c: 1234567.5, d: 123456.5 }, want: '0.0001 1e-05 1.2345675e+06 123456.5' },

  // ---- literals
  { name: 'string escapes', tpl: '{{"a\\tb\\n\\"q\\"\\\\ \\x41\\u00e9\\101"}}', want: 'a\tb\n"q"\\ A\u00e9A' },
  { name: 'raw string', tpl: '{{`a\\n{{b}}`}}', want: 'a\\n{{b}}' },
  { name: 'char constant', tpl: "{{'a'}} {{'\\n'}} {{printf \"%c\" 'é'}}", want: '97 10 é' },
  { name: 'numbers', tpl: '{{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}} {{-7}} {{+3}}', want: '31 15 15 5 1000 -7 3' },
  { name: 'float literal', tpl: '{{1.5}} {{.25}} {{2.5e-3}}', want: '1.5 0.25 0.0025' },
  { name: 'bools and nil arg', tpl: '{{true}} {{false}} {{print nil}}', want: 'true false <nil>' },
  { name: 'nil is not a command', tpl: '{{nil}}', err: 'nil is not a command' },
  { name: 'literal with args', tpl: '{{3 4}}', err: "can't give argument to non-function 3" },

  // ---- pipelines and parentheses
  { name: 'pipe into print', tpl: '{{"x" | printf "%s-%s" "y"}}', want: 'y-x' },
  { name: 'pipe chain', tpl: '{{. | len | printf "%03d"}}', data: 'abcd', want: '004' },
  { name: 'parenthesised', tpl: '{{printf "%d+%d" (len .) (len (slice . 1))}}', data: 'abc', want: '3+2' },
  { name: 'paren field chain', tpl: '{{(index . 0).A}}', data: [{ A: 'a0' }], want: 'a0' },
  { name: 'non executable stage', tpl: '{{1 | 2}}', err: 'non executable command in pipeline stage 2' },
  { name: 'pipe into user func', tpl: '{{"abc" | upper}}', want: 'ABC' },
  { name: 'user func two args with final', tpl: '{{2 | pair 1}}', want: '1+2' },
  { name: 'user func error', tpl: '{{fail}}', err: 'error calling fail: boom' },

  // ---- variables
  { name: 'declare and use', tpl: '{{$x := "v"}}{{$x}}', want: 'v' },
  { name: 'assign', tpl: '{{$x := 1}}{{$x = 2}}{{$x}}', want: '2' },
  { name: 'root variable', tpl: '{{with .A}}{{$.B}}{{end}}', data: { A: 1, B: 'root' }, want: 'root' },
  { name: 'variable field', tpl: '{{$m := .}}{{$m.A.B}}', data: { A: { B: 'mb' } }, want: 'mb' },
  { name: 'variable scope ends at end', tpl: '{{if true}}{{$x := 1}}{{end}}{{$x}}', err: 'undefined variable "$x"' },
  { name: 'assign in if visible outside', tpl: '{{$x := 0}}{{if true}}{{$x = 5}}{{end}}{{$x}}', want: '5' },
  { name: 'if decl visible in else', tpl: '{{if $v := .A}}{{$v}}{{else}}[{{$v}}]{{end}}', data: { A: 0 }, want: '[0]' },
  { name: 'undefined variable', tpl: '{{$nope}}', err: 'undefined variable "$nope"' },
  { name: 'too many decls', tpl: '{{$a, $b := 1}}', err: 'too many declarations in command' },

  // ---- if / else
  { name: 'if true', tpl: '{{if .}}T{{end}}', data: 1, want: 'T' },
  { name: 'if empty string', tpl: '{{if .}}T{{else}}F{{end}}', data: '', want: 'F' },
  { name: 'if zero', tpl: '{{if .}}T{{else}}F{{end}}', data: 0, want: 'F' },
  { name: 'if empty slice', tpl: '{{if .}}T{{else}}F{{end}}', data: [], want: 'F' },
  { name: 'if empty map', tpl: '{{if .}}T{{else}}F{{end}}', data: {}, want: 'F' },
  { name: 'if nil', tpl: '{{if .}}T{{else}}F{{end}}', data: null, want: 'F' },
  { name: 'if missing', tpl: '{{if .X}}T{{else}}F{{end}}', data: {}, want: 'F' },
  { name: 'else if chain', tpl: '{{if eq . 1}}one{{else if eq . 2}}two{{else if eq . 3}}three{{else}}many{{end}}', data: 3, want: 'three' },
  { name: 'if with and', tpl: '{{if and .A .B}}both{{else}}not{{end}}', data: { A: 1, B: '' }, want: 'not' },
  { name: 'unexpected end', tpl: '{{end}}', err: 'unexpected {{end}}' },
  { name: 'unclosed if', tpl: '{{if .}}x', err: 'unexpected EOF' },
  { name: 'missing if value', tpl: '{{if}}x{{end}}', err: 'missing value for if' },

  // ---- with
  { name: 'with sets dot', tpl: '{{with .A}}{{.B}}{{end}}', data: { A: { B: 'b' } }, want: 'b' },
  { name: 'with empty', tpl: '{{with .A}}yes{{else}}no{{end}}', data: { A: '' }, want: 'no' },
  { name: 'else with', tpl: '{{with .A}}a{{else with .B}}{{.}}{{else}}none{{end}}', data: { B: 'bee' }, want: 'bee' },
  { name: 'with variable', tpl: '{{with $x := .A}}{{$x}}{{.}}{{end}}', data: { A: 'q' }, want: 'qq' },

  // ---- range
  { name: 'range slice', tpl: '{{range .}}[{{.}}]{{end}}', data: ['a', 'b'], want: '[a][b]' },
  { name: 'range index elem', tpl: '{{range $i, $e := .}}{{$i}}:{{$e}} {{end}}', data: ['a', 'b'], want: '0:a 1:b ' },
  { name: 'range one var is elem', tpl: '{{range $e := .}}{{$e}}{{end}}', data: ['x', 'y'], want: 'xy' },
  { name: 'range map sorted', tpl: '{{range $k, $v := .}}{{$k}}={{$v}};{{end}}', data: { z: 1, a: 2, m: 3 }, want: 'a=2;m=3;z=1;' },
  { name: 'range map values', tpl: '{{range .}}{{.}}{{end}}', data: { b: 'B', a: 'A' }, want: 'AB' },
  { name: 'range int', tpl: '{{range 3}}{{.}}{{end}}', want: '012' },
  { name: 'range int var', tpl: '{{range $i := 3}}<{{$i}}>{{end}}', want: '<0><1><2>' },
  { name: 'range int two vars', tpl: '{{range $i, $e := 3}}{{end}}', err: "can't use 3 to iterate over more than one variable" },
  { name: 'range else', tpl: '{{range .}}x{{else}}empty{{end}}', data: [], want: 'empty' },
  { name: 'range else nil', tpl: '{{range .X}}x{{else}}empty{{end}}', data: {}, want: 'empty' },
  { name: 'range break', tpl: '{{range .}}{{if eq . 3}}{{break}}{{end}}{{.}}{{end}}', data: [1, 2, 3, 4], want: '12' },
  { name: 'range continue', tpl: '{{range .}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}', data: [1, 2, 3], want: '13' },
  { name: 'break outside range', tpl: '{{break}}', err: '{{break}} outside {{range}}' },
  { name: 'continue outside range', tpl: '{{if true}}{{continue}}{{end}}', err: '{{continue}} outside {{range}}' },
  { name: 'range over string', tpl: '{{range .}}x{{end}}', data: 'abc', err: "range can't iterate over abc" },
  { name: 'range nested dollar', tpl: '{{range .L}}{{$.P}}{{.}} {{end}}', data: { L: [1, 2], P: '#' }, want: '#1 #2 ' },
  { name: 'range var scope per iteration', tpl: '{{range .}}{{$y := .}}{{$y}}{{end}}', data: [1, 2], want: '12' },
  { name: 'range assign vars', tpl: '{{$i := 0}}{{$e := 0}}{{range $i, $e = .}}{{end}}{{$i}}{{$e}}', data: ['p', 'q'], want: '1q' },
  { name: 'range three vars', tpl: '{{range $a, $b, $c := .}}{{end}}', err: 'too many declarations in range' },

  // ---- define / template / block
  { name: 'define and template', tpl: '{{define "T"}}<{{.}}>{{end}}{{template "T" "x"}}{{template "T" 1}}', want: '<x><1>' },
  { name: 'template no data', tpl: '{{define "T"}}[{{.}}]{{end}}{{template "T"}}', want: '[<no value>]' },
  { name: 'template root var', tpl: '{{define "T"}}{{$}}{{end}}{{template "T" .A}}', data: { A: 'inner' }, want: 'inner' },
  { name: 'block default', tpl: '{{block "B" .}}default {{.}}{{end}}', data: 'd', want: 'default d' },
  { name: 'undefined template', tpl: '{{template "nope"}}', err: 'template "nope" not defined' },
  { name: 'recursive template', tpl: '{{define "R"}}{{if .}}{{len .}}{{template "R" (slice . 1)}}{{end}}{{end}}{{template "R" .}}', data: [1, 2, 3], want: '321' },

  // ---- comparisons and logic
  { name: 'eq ints', tpl: '{{eq 1 1}} {{eq 1 2}}', want: 'true false' },
  { name: 'eq multi', tpl: '{{eq . "a" "b" "c"}}', data: 'c', want: 'true' },
  { name: 'eq strings', tpl: '{{eq .A "x"}}', data: { A: 'x' }, want: 'true' },
  { name: 'eq incompatible', tpl: '{{eq 1 "1"}}', err: 'incompatible types for comparison' },
  { name: 'eq missing vs value', tpl: '{{eq .Nope "x"}}', data: {}, want: 'false' },
  { name: 'eq nil nil', tpl: '{{eq .Nope nil}}', data: {}, want: 'true' },
  { name: 'eq one arg', tpl: '{{eq 1}}', err: 'missing argument for comparison' },
  { name: 'ne', tpl: '{{ne 1 2}} {{ne "a" "a"}}', want: 'true false' },
  { name: 'lt le gt ge ints', tpl: '{{lt 1 2}} {{le 2 2}} {{gt 1 2}} {{ge 2 3}}', want: 'true true false false' },
  { name: 'lt strings', tpl: '{{lt "a" "b"}} {{gt "b" "a"}}', want: 'true true' },
  { name: 'lt floats', tpl: '{{lt 1.5 2.5}}', want: 'true' },
  { name: 'lt bool', tpl: '{{lt true false}}', err: 'invalid type for comparison' },
  { name: 'lt incompatible', tpl: '{{lt 1 "a"}}', err: 'incompatible types for comparison' },
  { name: 'lt wrong arity', tpl: '{{lt 1}}', err: 'wrong number of args for lt: want 2 got 1' },
  { name: 'and returns value', tpl: '{{and 1 "x" 3}} {{and 1 0 3}}', want: '3 0' },
  { name: 'or returns value', tpl: '{{or 0 "" "z"}} {{or 0 ""}}', want: 'z ' },
  { name: 'and short circuit', tpl: '{{and false fail}}', want: 'false' },
  { name: 'or short circuit', tpl: '{{or 1 fail}}', want: '1' },
  { name: 'and pipeline final', tpl: '{{1 | and 2}}', want: '1' },
  { name: 'and no args', tpl: '{{and}}', err: 'wrong number of args for and: want at least 1 got 0' },
  { name: 'not', tpl: '{{not 0}} {{not "x"}} {{not .Nope}}', data: {}, want: 'true false true' },

  // ---- len, index, slice
  { name: 'len', tpl: '{{len .S}} {{len .L}} {{len .M}} {{len "héllo"}}', data: { S: 'abc', L: [1, 2], M: { a: 1 } }, want: '3 2 1 6' },
  { name: 'len of int', tpl: '{{len 3}}', err: 'len of type int' },
  { name: 'index slice', tpl: '{{index . 1}}', data: ['a', 'b'], want: 'b' },
  { name: 'index nested', tpl: '{{index . 1 0}}', data: [[1], [2, 3]], want: '2' },
  { name: 'index map', tpl: '{{index . "k"}}', data: { k: 'v' }, want: 'v' },
  { name: 'index map missing', tpl: '{{index . "nope"}}', data: { k: 'v' }, want: '<no value>' },
  { name: 'index string byte', tpl: '{{index "abc" 1}}', want: '98' },
  { name: 'index out of range', tpl: '{{index . 5}}', data: [1], err: 'index out of range: 5' },
  { name: 'index of nil', tpl: '{{index .Nope 1}}', data: {}, err: 'index of untyped nil' },
  { name: 'index of int', tpl: '{{index 3 1}}', err: "can't index item of type int" },
  { name: 'index no indexes', tpl: '{{index . }}', data: [1, 2], want: '[1 2]' },
  { name: 'slice string', tpl: '{{slice "abcdef" 1 3}} {{slice "abcdef" 2}} {{slice "abc"}}', want: 'bc cdef abc' },
  { name: 'slice slice', tpl: '{{slice . 1 2}}', data: [1, 2, 3], want: '[2]' },
  { name: 'slice three index', tpl: '{{slice . 0 1 2}}', data: [1, 2, 3], want: '[1]' },
  { name: 'slice string three index', tpl: '{{slice "abc" 0 1 2}}', err: 'cannot 3-index slice a string' },
  { name: 'slice bad order', tpl: '{{slice "abc" 2 1}}', err: 'invalid slice index: 2 > 1' },

  // ---- print family and fmt verbs
  { name: 'print spacing', tpl: '{{print 1 2}}|{{print "a" "b"}}|{{print "a" 1 2 "b"}}', want: '1 2|ab|a1 2b' },
  { name: 'println', tpl: '{{println "a" 1}}', want: 'a 1\n' },
  { name: 'printf basic verbs', tpl: '{{printf "%v %s %d %t %q %%" 1 "s" 42 true "q"}}', want: '1 s 42 true "q" %' },
  { name: 'printf hex', tpl: '{{printf "%x %X %#x %x" 255 255 255 "hi"}}', want: 'ff FF 0xff 6869' },
  { name: 'printf width', tpl: '{{printf "[%5d][%-5d][%05d][%+d]" 42 42 42 42}}', want: '[   42][42   ][00042][+42]' },
  { name: 'printf strings width', tpl: '{{printf "[%6s][%-6s][%.2s]" "abc" "abc" "abc"}}', want: '[   abc][abc   ][ab]' },
  { name: 'printf floats', tpl: '{{printf "%.2f %f %e %g" 3.14159 1.5 1234.5678 0.000012}}', want: '3.14 1.500000 1.234568e+03 1.2e-05' },
  { name: 'printf T', tpl: '{{printf "%T %T %T %T %T" 1 "s" 1.5 true .}}', data: [1], want: 'int string float64 bool []interface {}' },
  { name: 'printf quote escapes', tpl: '{{printf "%q" .}}', data: 'a"b\\c\n\u0001é', want: '"a\\"b\\\\c\\n\\x01é"' },
  { name: 'printf q int', tpl: "{{printf \"%q %c %U\" 65 66 67}}", want: "'A' B U+0043" },
  { name: 'printf bad verb', tpl: '{{printf "%d" "x"}}', want: '%!d(string=x)' },
  { name: 'printf missing arg', tpl: '{{printf "%s %s" "a"}}', want: 'a %!s(MISSING)' },
  { name: 'printf extra arg', tpl: '{{printf "%s" "a" 1 "b"}}', want: 'a%!(EXTRA int=1, string=b)' },
  { name: 'printf slice verb', tpl: '{{printf "%d %q" .A .B}}', data: { A: [1, 2], B: ['x', 'y'] }, want: '[1 2] ["x" "y"]' },
  { name: 'printf nil', tpl: '{{printf "%v %s" nil .Nope}}', data: {}, want: '<nil> %!s(<nil>)' },
  { name: 'printf map', tpl: '{{printf "%v" .}}', data: { b: [1], a: 'x' }, want: 'map[a:x b:[1]]' },

  // ---- escapers
  { name: 'html', tpl: '{{html "<a href=\\"x\\">&\'"}}', want: '&lt;a href=&#34;x&#34;&gt;&amp;&#39;' },
  { name: 'html multiple args', tpl: '{{html 1 "<" 2}}', want: '1&lt;2' },
  { name: 'js', tpl: '{{js "it\'s \\"q\\" <b> & a=b \\\\"}}', want: 'it\\\'s \\"q\\" \\u003Cb\\u003E \\u0026 a\\u003Db \\\\' },
  { name: 'urlquery', tpl: '{{urlquery "a b&c=d/é"}}', want: 'a+b%26c%3Dd%2F%C3%A9' },

  // ---- call
  { name: 'call non-function', tpl: '{{call .}}', data: 1, err: 'non-function . of type int' },
  { name: 'call nil', tpl: '{{call .Nope}}', data: {}, err: 'call of nil' },

  // ---- parse errors
  { name: 'undefined function', tpl: '{{nofunc 1}}', err: 'function "nofunc" not defined' },
  { name: 'unclosed action', tpl: '{{.A', err: 'unclosed action' },
  { name: 'unexpected right paren', tpl: '{{print 1)}}', err: 'unexpected right paren' },
  { name: 'unclosed left paren', tpl: '{{print (1}}', err: 'unclosed left paren' },
  { name: 'empty action', tpl: '{{}}', err: 'missing value for command' },
  { name: 'unterminated string', tpl: '{{"abc}}', err: 'unterminated quoted string' },
  { name: 'unexpected else', tpl: '{{else}}', err: 'unexpected {{else}}' },
  { name: 'unclosed comment', tpl: '{{/* x }}', err: 'unclosed comment' },
  { name: 'bad number', tpl: '{{3x}}', err: 'bad number syntax' },
  { name: 'dot after literal', tpl: '{{"x".A}}', err: 'unexpected . after term' },
  { name: 'method arguments on map key', tpl: '{{.A 1}}', data: { A: 'x' }, err: 'A is not a method but has arguments' },
  { name: 'wrong arity not', tpl: '{{not 1 2}}', err: 'wrong number of args for not: want 1 got 2' },
  { name: 'multiple definition', tpl: '{{define "a"}}x{{end}}{{define "a"}}y{{end}}', err: 'multiple definition of template' },
];
