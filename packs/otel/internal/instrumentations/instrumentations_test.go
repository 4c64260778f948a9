package instrumentations

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestDecide(t *testing.T) {
	cases := []struct {
		name, enabled, disabled string
		want                    bool
	}{
		{"nethttp", "", "", true},
		{"nethttp", "", "nethttp", false},
		{"nethttp", "", "grpc", true},
		{"nethttp", "grpc,databasesql", "", false},
		{"grpc", "grpc,databasesql", "", true},
		{"grpc", "grpc", "grpc", false},
		{"nethttp", " NetHTTP , grpc ", "", true},
		{"logs/slog", "", "LOGS/SLOG", false},
		{"span", ",,", "", true},
	}
	for _, c := range cases {
		if got := Decide(c.name, c.enabled, c.disabled); got != c.want {
			t.Errorf("Decide(%q, enabled %q, disabled %q) = %v, want %v", c.name, c.enabled, c.disabled, got, c.want)
		}
	}
}

// The switches are read from the environment the process starts with: a child process of this
// test binary reports them for the variables it was given.
func TestReadAtStart(t *testing.T) {
	if os.Getenv("INSTRUMENTATIONS_CHILD") == "1" {
		os.Stdout.WriteString(strings.Join([]string{b(NetHTTP), b(GRPC), b(DatabaseSQL), b(Slog), b(Span)}, " ") + "\n")
		os.Exit(0)
	}
	run := func(enabled, disabled string) string {
		cmd := exec.Command(os.Args[0], "-test.run=^TestReadAtStart$")
		cmd.Env = append(os.Environ(), "INSTRUMENTATIONS_CHILD=1", "OTEL_GO_ENABLED_INSTRUMENTATIONS="+enabled, "OTEL_GO_DISABLED_INSTRUMENTATIONS="+disabled)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("child: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
	if got := run("", "nethttp,span"); got != "off on on on off" {
		t.Errorf("disabled nethttp,span: %s", got)
	}
	if got := run("grpc,logs/slog", ""); got != "off on off on off" {
		t.Errorf("enabled grpc,logs/slog: %s", got)
	}
}

func b(v bool) string {
	if v {
		return "on"
	}
	return "off"
}

var sink int

// A disabled integration costs the branch on its bool: no call, no allocation.
func BenchmarkDisabledGate(b *testing.B) {
	on := Decide(NameNetHTTP, "", NameNetHTTP)
	for i := 0; i < b.N; i++ {
		if on {
			sink++
		}
	}
}

func TestGateAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(1000, func() {
		if NetHTTP {
			sink++
		}
	}); n != 0 {
		t.Errorf("the gate allocates %v times per call", n)
	}
}
