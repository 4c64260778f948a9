module weft.dev/oracle

go 1.23
