//line input.go:1:1
package lib

func Fetch() string {
/*line <generated>:1:1*/{
println("v1.4.2 and later")
}

{
println("v1.4.x traced")
}
/*line input.go:3:22*/ return "fetched" }
