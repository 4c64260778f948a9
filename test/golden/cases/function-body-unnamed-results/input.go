package main

import "errors"

func f(fail bool) (int, error) {
	if fail {
		return 0, errors.New("x")
	}
	return 1, nil
}

func main() {
	_, _ = f(true)
}
