package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vtrbot/vtrbot/store"
)

// A SQLite path is a file name, whatever characters it holds: the URI
// characters ?, # and % must not cut it or be decoded.
func TestOpen_sqlitePathKeepsURICharacters(t *testing.T) {
	for _, name := range []string{"a#b.db", "a?b.db", "a%20b.db", "a b.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			s, err := store.Open(context.Background(), path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			// Opened again as an existing database: it is found under its name.
			s, err = store.Open(context.Background(), path, store.Options{Existing: true})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("the database is not at %q: %v", path, err)
			}
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if n := e.Name(); n != name && n != name+"-wal" && n != name+"-shm" {
					t.Errorf("stray file %q beside %q", n, name)
				}
			}
		})
	}
}
