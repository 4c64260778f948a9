package main

import (
	"fmt"
	"strings"
)

func join(strings []string) string { return fmt.Sprint(strings) }

func main() {
	fmt.Println(strings.ToUpper("Weft"), join(nil))
}
