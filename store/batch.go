package store

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
)

// batchStmts runs the multi-row statements of a write that goes a batch at
// a time (shipments, orders, verdicts): the statement of a full batch is
// built and prepared once and then run again and again; a shorter batch is
// built and run once.
type batchStmts struct {
	tx       *sqlx.Tx
	prepared map[string]*sqlx.Stmt // by name
}

// exec runs the statement named name with args. reuse says it runs again
// and again (a full batch), so it is prepared the first time; build writes
// the SQL, called only when the statement is not prepared.
func (b *batchStmts) exec(ctx context.Context, name string, reuse bool, build func() string, args []any) error {
	if !reuse {
		_, err := b.tx.ExecContext(ctx, build(), args...)
		return err
	}
	st := b.prepared[name]
	if st == nil {
		var err error
		if st, err = b.tx.PreparexContext(ctx, build()); err != nil {
			return err
		}
		if b.prepared == nil {
			b.prepared = map[string]*sqlx.Stmt{}
		}
		b.prepared[name] = st
	}
	_, err := st.ExecContext(ctx, args...)
	return err
}

func (b *batchStmts) close() {
	for _, st := range b.prepared {
		st.Close()
	}
}

// valueRows is the VALUES list of n rows of ncol placeholders each.
func valueRows(n, ncol int) string {
	row := "(" + placeholders(ncol) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
