package notice

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse parses every fixture once per iteration.
func BenchmarkParse(b *testing.B) {
	var msgs [][]byte
	var size int64
	for _, dir := range []string{"testdata", sharedDir} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			msgs = append(msgs, raw)
			size += int64(len(raw))
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, raw := range msgs {
			ParseBytes(raw)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(msgs)), "ns/msg")
}
