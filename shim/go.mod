module weft.dev/shim

go 1.23
