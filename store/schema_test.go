package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

// The two migration folders are written by hand, one per dialect: once
// migrated, a SQLite file and a PostgreSQL database hold the same tables,
// columns (of the same kind of type, the same NOT NULL), primary keys,
// unique constraints and indexes (by name, uniqueness, partial or not,
// and columns), and the folders the same migration files.
func TestMigrations_sameSchema(t *testing.T) {
	files := func(dir string) []string {
		t.Helper()
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		return names
	}
	if lite, pg := files("migrations/sqlite"), files("migrations/postgres"); !slices.Equal(lite, pg) {
		t.Errorf("migration files differ:\n sqlite   %q\n postgres %q", lite, pg)
	}

	lite := schemaOf(t, "sqlite")
	if len(lite) < 10 {
		t.Fatalf("sqlite: only %d schema lines: the introspection reads nothing", len(lite))
	}
	pg := schemaOf(t, "postgres") // skips without VTRBOT_TEST_POSTGRES
	for _, l := range lite {
		if !slices.Contains(pg, l) {
			t.Errorf("sqlite only: %s", l)
		}
	}
	for _, l := range pg {
		if !slices.Contains(lite, l) {
			t.Errorf("postgres only: %s", l)
		}
	}
}

// schemaOf migrates a fresh database of kind and describes its schema, a
// sorted line per table, column, primary key, unique constraint and index.
func schemaOf(t *testing.T, kind string) []string {
	t.Helper()
	url := storetest.URL(t, kind)
	s, err := store.Open(t.Context(), url, store.Options{Rules: vtr.DefaultRules("US")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var lines []string
	if kind == "sqlite" {
		lines, err = sqliteSchema(t.Context(), s.DB())
	} else {
		lines, err = postgresSchema(t.Context(), s.DB())
	}
	if err != nil {
		t.Fatalf("%s: %v", kind, err)
	}
	slices.Sort(lines)
	return lines
}

// typeClass folds a declared type to what the store relies on: SQLite's
// INTEGER is 64 bits like PostgreSQL's BIGINT.
func typeClass(decl string) string {
	switch d := strings.ToLower(decl); {
	case strings.Contains(d, "int"):
		return "integer"
	case d == "text" || strings.Contains(d, "char"):
		return "text"
	case strings.HasPrefix(d, "bool"):
		return "boolean"
	case d == "real" || strings.HasPrefix(d, "double"):
		return "real"
	case d == "bytea" || d == "blob":
		return "bytes"
	default:
		return "other " + d
	}
}

type column struct {
	Table   string `db:"tbl"`
	Name    string `db:"name"`
	Type    string `db:"type"`
	NotNull bool   `db:"notnull"`
	PK      int    `db:"pk"` // position in the primary key, 0 if none
}

type index struct {
	Table   string `db:"tbl"`
	Name    string `db:"name"`
	Unique  bool   `db:"uniq"`
	Partial bool   `db:"partial"`
	Kind    string `db:"kind"` // pk, u (a UNIQUE constraint), c (CREATE INDEX)
	Columns string `db:"cols"` // comma-separated; "(expr)" for an expression
}

// describe writes the lines of a schema. A primary key's columns are NOT
// NULL on PostgreSQL whatever they declare, and on SQLite they may hold
// NULL unless declared NOT NULL: both count as NOT NULL.
func describe(cols []column, idx []index) []string {
	var lines []string
	pk := map[string][]string{}
	for _, c := range cols {
		null := ""
		if c.NotNull || c.PK > 0 {
			null = " not null"
		}
		lines = append(lines, fmt.Sprintf("%s: column %s %s%s", c.Table, c.Name, typeClass(c.Type), null))
		if c.PK > 0 {
			k := pk[c.Table]
			for len(k) < c.PK {
				k = append(k, "")
			}
			k[c.PK-1] = c.Name
			pk[c.Table] = k
		}
	}
	for tbl, k := range pk {
		lines = append(lines, fmt.Sprintf("%s: table, primary key (%s)", tbl, strings.Join(k, ", ")))
	}
	for _, ix := range idx {
		switch ix.Kind {
		case "pk":
			// in the columns' PK positions
		case "u":
			lines = append(lines, fmt.Sprintf("%s: unique (%s)", ix.Table, ix.Columns))
		default:
			var attrs string
			if ix.Unique {
				attrs += " unique"
			}
			if ix.Partial {
				attrs += " partial"
			}
			lines = append(lines, fmt.Sprintf("%s: index %s%s (%s)", ix.Table, ix.Name, attrs, ix.Columns))
		}
	}
	return lines
}

func sqliteSchema(ctx context.Context, db *sqlx.DB) ([]string, error) {
	var cols []column
	if err := db.SelectContext(ctx, &cols, `SELECT m.name AS tbl, c.name, c.type, c."notnull", c.pk
		FROM sqlite_master m, pragma_table_info(m.name) c
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`); err != nil {
		return nil, fmt.Errorf("columns: %w", err)
	}
	var idx []index
	if err := db.SelectContext(ctx, &idx, `SELECT m.name AS tbl, l.name, l."unique" AS uniq, l.partial, l.origin AS kind,
			(SELECT group_concat(COALESCE(i.name, '(expr)'), ', ') FROM
				(SELECT name FROM pragma_index_info(l.name) ORDER BY seqno) i) AS cols
		FROM sqlite_master m, pragma_index_list(m.name) l
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`); err != nil {
		return nil, fmt.Errorf("indexes: %w", err)
	}
	return describe(cols, idx), nil
}

func postgresSchema(ctx context.Context, db *sqlx.DB) ([]string, error) {
	var cols []column
	if err := db.SelectContext(ctx, &cols, `SELECT c.table_name AS tbl, c.column_name AS name, c.data_type AS type,
			c.is_nullable = 'NO' AS notnull, COALESCE(k.ordinal_position, 0) AS pk
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		LEFT JOIN information_schema.table_constraints p ON p.table_schema = c.table_schema
			AND p.table_name = c.table_name AND p.constraint_type = 'PRIMARY KEY'
		LEFT JOIN information_schema.key_column_usage k ON k.constraint_schema = p.constraint_schema
			AND k.constraint_name = p.constraint_name AND k.column_name = c.column_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> 'goose_db_version'`); err != nil {
		return nil, fmt.Errorf("columns: %w", err)
	}
	var idx []index
	if err := db.SelectContext(ctx, &idx, `SELECT t.relname AS tbl, i.relname AS name, x.indisunique AS uniq,
			x.indpred IS NOT NULL AS partial,
			CASE WHEN x.indisprimary THEN 'pk'
				WHEN EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) THEN 'u'
				ELSE 'c' END AS kind,
			array_to_string(ARRAY(SELECT COALESCE(a.attname, '(expr)')
				FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
				LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
				ORDER BY k.n), ', ') AS cols
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND t.relname <> 'goose_db_version'`); err != nil {
		return nil, fmt.Errorf("indexes: %w", err)
	}
	return describe(cols, idx), nil
}
