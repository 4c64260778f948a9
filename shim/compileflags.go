package main

// The compile's command line as the shim reads it: the dedupe of nested runs (dedupe_unix.go)
// and a dependent's link deps (linkdeps.go) need a few of its flags' values.

// flagOf splits "-name=value" / "--name" into its parts ("" for a non-flag argument).
func flagOf(a string) (name, value string, has bool) {
	if len(a) < 2 || a[0] != '-' {
		return "", "", false
	}
	a = a[1:]
	if a[0] == '-' {
		a = a[1:]
	}
	for i := 0; i < len(a); i++ {
		if a[i] == '=' {
			return a[:i], a[i+1:], true
		}
	}
	return a, "", false
}

// takesValue: compile's flags that take a value, which may come as the next argument.
func takesValue(name string) bool {
	switch name {
	case "o", "p", "buildid", "asmhdr", "linkobj", "coveragecfg", "cpuprofile", "memprofile", "blockprofile", "mutexprofile", "traceprofile", "bench", "json", "d",
		"trimpath", "lang", "goversion", "c", "importcfg", "embedcfg", "symabis", "pgoprofile", "D", "I", "buildmode", "installsuffix", "arch", "spectre", "env":
		return true
	}
	return false
}

// compileFlags gives the values of the named flags on a compile's command line ("" when absent;
// the last one counts, as in the compiler's flag package).
func compileFlags(args []string, names ...string) map[string]string {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string]string{}
	for i := 0; i < len(args); i++ {
		name, value, has := flagOf(args[i])
		if name == "" {
			continue
		}
		if !has && i+1 < len(args) && takesValue(name) {
			i++
			value = args[i]
		}
		if want[name] {
			out[name] = value
		}
	}
	return out
}
