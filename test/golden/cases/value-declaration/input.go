package main

import "net/http"

var client *http.Client

var other *http.Request

func main() { _, _ = client, other }
