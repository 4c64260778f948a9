//go:build unix

package main

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// The front end reads `weft go <args>` as the Node front end and bin/weft do: the cases are
// shared with test/unit/cli/front-args.test.ts through this fixture.
const frontArgsFixture = "../test/fixtures/go-command/front.json"

type frontArgsCase struct {
	Args         []string          `json:"args"`
	Env          map[string]string `json:"env"`
	Cwd          string            `json:"cwd"`
	GoArgs       []string          `json:"goArgs"`
	Dir          string            `json:"dir"`
	Instrumented bool              `json:"instrumented"`
	Daemon       bool              `json:"daemon"`
}

func TestFrontArgsFixture(t *testing.T) {
	data, err := os.ReadFile(frontArgsFixture)
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Cases []frontArgsCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &fixture); err != nil {
		t.Fatal(err)
	}
	if len(fixture.Cases) < 10 {
		t.Fatalf("%d cases in %s", len(fixture.Cases), frontArgsFixture)
	}
	for _, c := range fixture.Cases {
		env := make([]string, 0, len(c.Env))
		for k, v := range c.Env {
			env = append(env, k+"="+v)
		}
		if got := withoutWeftFlags(c.Args); !reflect.DeepEqual(got, c.GoArgs) {
			t.Errorf("withoutWeftFlags(%q) = %q, want %q", c.Args, got, c.GoArgs)
		}
		if got := goDir(c.Args, c.Cwd); got != c.Dir {
			t.Errorf("goDir(%q, %q) = %q, want %q", c.Args, c.Cwd, got, c.Dir)
		}
		if got := instrumented(c.Args); got != c.Instrumented {
			t.Errorf("instrumented(%q) = %v, want %v", c.Args, got, c.Instrumented)
		}
		if got := daemonWanted(c.Args, env); got != c.Daemon {
			t.Errorf("daemonWanted(%q, %q) = %v, want %v", c.Args, env, got, c.Daemon)
		}
	}
}
