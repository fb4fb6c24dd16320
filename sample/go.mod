module example.com/tides

go 1.22

toolchain go1.22.5

require github.com/jackc/pgx/v5 v5.6.0
