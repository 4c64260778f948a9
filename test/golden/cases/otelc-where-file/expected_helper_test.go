//line input_helper_test.go:1:1
package main

//otelc:span
func testHelper() {
/*line <generated>:1:1*/{
println("test file", "testHelper")
}

{
println("not the mock", "testHelper")
}
/*line input_helper_test.go:4:20*/}
