module example.com/addfile-rules

go 1.22
