package notice

import (
	"testing"
)

// BenchmarkParse parses every fixture once per iteration.
func BenchmarkParse(b *testing.B) {
	var msgs [][]byte
	var size int64
	for _, f := range fixtures(b) {
		msgs = append(msgs, f.raw)
		size += int64(len(f.raw))
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
