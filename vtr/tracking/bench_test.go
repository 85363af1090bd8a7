package tracking

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// benchInput is one (carrier, number) pair of the benchmark's mix.
type benchInput struct{ carrier, number string }

// mixedNumbers builds n (carrier, number) pairs: valid numbers of the main
// formats (check digits computed), the same with one digit changed, spaced
// and lower-cased copies, numbers named under the wrong carrier, and junk.
func mixedNumbers(n int) []benchInput {
	rng := rand.New(rand.NewPCG(1, 2))
	digits := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	alnum := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = alnum36[rng.IntN(36)]
		}
		return string(b)
	}
	withCheck := func(data string, f func([]byte) byte) string {
		return data + string(f([]byte(data)))
	}
	s10 := func(service, country string) string {
		return withCheck(service+digits(8), func(b []byte) byte { return s10Check(b[2:]) }) + country
	}
	makers := []struct {
		carrier string
		make    func() string
	}{
		{"usps", func() string { return withCheck("94001"+digits(16), gs1) }},
		{"USPS", func() string { return withCheck("9261"+"9"+digits(16), gs1) }},
		{"U.S.P.S.", func() string { return "420" + digits(5) + withCheck("94001"+digits(16), gs1) }},
		{"usps", func() string { return withCheck(digits(19), gs1) }},
		{"usps", func() string { return s10("RR", "US") }},
		{"ups", func() string { return withCheck("1Z"+alnum(15), func(b []byte) byte { return upsMod10(b[2:]) }) }},
		{"United Parcel Service", func() string { return withCheck("1Z"+alnum(15), func(b []byte) byte { return upsMod10(b[2:]) }) }},
		{"fedex", func() string { return withCheck(digits(11), fedexMod11) }},
		{"FedEx", func() string { return withCheck(digits(14), gs1) }},
		{"fedex", func() string { return withCheck("96"+digits(19), func(b []byte) byte { return gs1(b[7:]) }) }},
		{"fedex", func() string { return withCheck("1"+digits(32), func(b []byte) byte { return fedexMod11(b[20:]) }) }},
		{"dhl", func() string { return withCheck(digits(9), mod7) }},
		{"s10", func() string { return s10("LX", "GB") }},
		{"amazon", func() string { return "TBA" + digits(12) }},
		{"ontrac", func() string { return withCheck("C"+digits(13), upsMod10) }},
		{"lasership", func() string { return "LX1" + digits(7) }},
		{"canada_post", func() string { return withCheck(digits(15), gs1) }},
		{"china post", func() string { return s10("RR", "CN") }},
		{"estes", func() string { return digits(10) }},
	}
	out := make([]benchInput, n)
	for i := range out {
		m := makers[rng.IntN(len(makers))]
		in := benchInput{m.carrier, m.make()}
		switch rng.IntN(8) {
		case 0: // one digit changed
			b := []byte(in.number)
			j := len(b) - 1 - rng.IntN(4)
			if b[j] >= '0' && b[j] <= '9' {
				b[j] = '0' + (b[j]-'0'+1)%10
			}
			in.number = string(b)
		case 1: // groups of four, as printed on labels
			var sb strings.Builder
			for j := 0; j < len(in.number); j++ {
				if j > 0 && j%4 == 0 {
					sb.WriteByte(' ')
				}
				sb.WriteByte(in.number[j])
			}
			in.number = sb.String()
		case 2:
			in.number = strings.ToLower(in.number)
		case 3: // the wrong carrier named
			in.carrier = makers[rng.IntN(len(makers))].carrier
		case 4: // junk: a warehouse code, an order number
			in.number = alnum(5 + rng.IntN(30))
		}
		out[i] = in
	}
	return out
}

// BenchmarkDetectAndCheck detects and checks 1,000,000 mixed numbers; one op
// is one number (Detect plus Check).
func BenchmarkDetectAndCheck(b *testing.B) {
	inputs := mixedNumbers(1_000_000)
	runtime.GC() // the inputs' garbage is not the loop's
	b.ReportAllocs()
	i := 0
	var ok int
	for b.Loop() {
		in := inputs[i]
		if i++; i == len(inputs) {
			i = 0
		}
		if Detect(in.number).Len() > 0 && Check(in.carrier, in.number).OK {
			ok++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "numbers/s")
	_ = ok
}

// BenchmarkCoreCheck runs the VTR subset over the same mix.
func BenchmarkCoreCheck(b *testing.B) {
	inputs := mixedNumbers(1_000_000)
	runtime.GC() // the inputs' garbage is not the loop's
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		in := inputs[i]
		if i++; i == len(inputs) {
			i = 0
		}
		CoreCheck(in.carrier, in.number)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "numbers/s")
}
