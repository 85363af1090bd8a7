package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

// Inspect reads the schema version and changes nothing: an empty database
// stays at version 0, a missing SQLite file is not created.
func TestInspect(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			url := storetest.URL(t, kind)
			before, err := store.Inspect(t.Context(), url)
			if err != nil {
				t.Fatalf("Inspect(empty): %v", err)
			}
			if before.Version != 0 || before.Latest < 1 {
				t.Errorf("Inspect(empty) = %+v, want version 0 of at least 1", before)
			}
			if kind == "sqlite" {
				if before.Exists {
					t.Errorf("Inspect(missing file).Exists = true")
				}
				if _, err := os.Stat(url); !os.IsNotExist(err) {
					t.Errorf("Inspect created %s (stat: %v)", url, err)
				}
			}
			s, err := store.Open(t.Context(), url, store.Options{Rules: vtr.DefaultRules("US")})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			after, err := store.Inspect(t.Context(), url)
			if err != nil || !after.Exists || after.Version != after.Latest || after.Latest != before.Latest {
				t.Errorf("Inspect(migrated) = %+v, %v; want exists, version = latest = %d", after, err, before.Latest)
			}
		})
	}
	t.Run("sqlite in a missing directory", func(t *testing.T) {
		if _, err := store.Inspect(t.Context(), filepath.Join(t.TempDir(), "nope", "vtrbot.db")); err == nil {
			t.Error("Inspect(missing dir) = nil error")
		}
	})
}
