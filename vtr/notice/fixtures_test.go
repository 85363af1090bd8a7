package notice

import (
	"os"
	"path/filepath"
	"testing"
)

// fixture is one mail the package's tests read: testdata's own and the
// shared notices (sharedDir).
type fixture struct {
	name string
	raw  []byte
}

// fixtures reads every fixture mail, testdata's first.
func fixtures(tb testing.TB) []fixture {
	tb.Helper()
	var out []fixture
	for _, dir := range []string{"testdata", sharedDir} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		for _, file := range files {
			raw, err := os.ReadFile(file)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, fixture{filepath.Base(file), raw})
		}
	}
	return out
}
