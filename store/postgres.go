package store

import (
	"context"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/jmoiron/sqlx"
)

// openPostgres connects through pgx's database/sql driver (sqlx rewrites ?
// to $n for the "pgx" driver name).
func openPostgres(ctx context.Context, dsn string) (*sqlx.DB, error) {
	db, err := sqlx.ConnectContext(ctx, "pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	// A small pool: the bot is one process with a few goroutines, and
	// PostgreSQL's default max_connections is 100 across all clients.
	db.SetMaxOpenConns(8)
	return db, nil
}
