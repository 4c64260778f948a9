//line input.go:1:1
package main

import "errors"

func f(fail bool) (/*line <generated>:1:1*/__weft_result_0 /*line input.go:5:20*/int, /*line <generated>:1:1*/__weft_result_1 /*line input.go:5:25*/error) {
/*line <generated>:1:1*/{
defer func() {
  if __weft_result_1 != nil {
    println("failed")
  }
}()
}
/*line input.go:5:33*/
	if fail {
		return 0, errors.New("x")
	}
	return 1, nil
}

func main() {
	_, _ = f(true)
}
