package main

import "os"

func serve(f *os.File) {}

func main() { serve(nil) }
