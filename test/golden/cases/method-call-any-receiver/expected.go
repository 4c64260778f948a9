//line input.go:1:1
package main

import "os"

func closeIt(f *os.File) error {
	return /*line <generated>:1:1*/(/*line input.go:6:9*/f.Close()/*line <generated>:1:1*/)/*line input.go:6:18*/
}

func closeValue(f os.File) error {
	return /*line <generated>:1:1*/(/*line input.go:10:9*/f.Close()/*line <generated>:1:1*/)/*line input.go:10:18*/
}

func main() {
	f, err := os.Open("/dev/null")
	if err != nil {
		return
	}
	_ = closeIt(f)
}
