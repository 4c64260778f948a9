//line input.go:1:1
package main

import "errors"

func run() (/*line <generated>:1:1*/__weft_result_0 /*line input.go:5:13*/string, /*line <generated>:1:1*/__weft_result_1 /*line input.go:5:21*/error) {
/*line <generated>:1:1*/{
defer func() {
  if __weft_result_1 != nil {
    println("run failed")
  }
}()
}
/*line input.go:5:29*/ return "", errors.New("boom") }

func main() { _, _ = run() }
