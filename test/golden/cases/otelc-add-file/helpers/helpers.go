//go:build ignore

// Added to the instrumented package by the add_file rule; ignored when this package builds.
package helpers

import (
	_ "embed"
	"fmt"
	str "strings"
)

// tracedGreeting uses the package's own imports, under their own names.
func tracedGreeting(name string) string { return fmt.Sprint("hello ", str.ToUpper(name)) }
