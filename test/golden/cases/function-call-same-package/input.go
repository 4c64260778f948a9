package main

// As in orchestrion, function-call matches callers that import the package: a call inside the
// function's own package is left alone.
func helper() int { return 21 }

func double(x int) int { return 2 * x }

func main() {
	println(helper())
}
