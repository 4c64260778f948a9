package main

//otelc:span
func testHelper() {}
