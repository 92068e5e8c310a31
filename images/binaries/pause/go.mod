module kpc.local/pause

go 1.24
