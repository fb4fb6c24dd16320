module example.com/tides

go 1.24

toolchain go1.25.5

require github.com/jackc/pgx/v5 v5.6.0
