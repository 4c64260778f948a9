package lib

func Fetch() string { return "fetched" }
