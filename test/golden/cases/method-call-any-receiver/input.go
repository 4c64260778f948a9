package main

import "os"

func closeIt(f *os.File) error {
	return f.Close()
}

func closeValue(f os.File) error {
	return f.Close()
}

func main() {
	f, err := os.Open("/dev/null")
	if err != nil {
		return
	}
	_ = closeIt(f)
}
