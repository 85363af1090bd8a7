package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/vtr"
)

// rate is a test rate in per mille; none means nothing eligible that day
// (a gap), exempt means only exempt packages (also a gap).
const (
	none   = -1
	exempt = -2
)

func counts(permille int) vtr.Counts {
	switch permille {
	case none:
		return vtr.Counts{}
	case exempt:
		return vtr.Counts{Exempt: 3}
	}
	return vtr.Counts{Eligible: 1000, Valid: permille, Verified: permille}
}

// history builds n days from 2025-01-01: overall(i) is the account's rate on
// day i, cat(i, c) that of category names[c]. A category whose rate is none
// is left out of that day, as vtr.History does.
func history(n int, names []string, overall func(i int) int, cat func(i, c int) int) []vtr.HistoryPoint {
	start := vtr.MustDate("2025-01-01")
	pts := make([]vtr.HistoryPoint, n)
	for i := range pts {
		pts[i] = vtr.HistoryPoint{Date: start.AddDays(i), Overall: counts(overall(i))}
		for c, name := range names {
			if r := cat(i, c); r != none {
				pts[i].Categories = append(pts[i].Categories, vtr.CategoryRate{Category: name, Counts: counts(r)})
			}
		}
	}
	return pts
}

func constant(r int) func(int) int { return func(int) int { return r } }

func flat(r int) func(int, int) int { return func(int, int) int { return r } }

// wavy gives each category its own level and a slow wave, 0..1000.
func wavy(i, c int) int { return (200 + 130*c + 7*(i%40)) % 1001 }

func render(t testing.TB, pts []vtr.HistoryPoint) image.Image {
	t.Helper()
	b, err := History(pts, "Rolling 30-day VTR · DE · test")
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode png: %v", err)
	}
	return img
}

// frameOf is the layout History uses for pts.
func frameOf(pts []vtr.HistoryPoint) frame {
	cats, overall := collect(pts)
	return newFrame(pts, legendEntries(pts, cats, overall))
}

func same(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// count is how many pixels of r have colour palette()[ci].
func count(img image.Image, r image.Rectangle, ci uint8) int {
	want := palette()[ci]
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if same(img.At(x, y), want) {
				n++
			}
		}
	}
	return n
}

func TestHistory_draws(t *testing.T) {
	long := strings.Repeat("Very Long Category Name ", 200)
	hostile := []string{long, "Küche & Haushalt", "\x00\x1b[31mred\x1b[0m\n", "日本語の本", "\xff\xfe broken utf8", "", "Books"}
	many := make([]string, 40)
	for i := range many {
		many[i] = fmt.Sprintf("Category %02d", i)
	}
	tests := []struct {
		name string
		pts  []vtr.HistoryPoint
	}{
		{"one point", history(1, []string{"Books"}, constant(900), wavy)},
		{"two points", history(2, []string{"Books"}, constant(900), wavy)},
		{"365 points 6 categories", history(365, many[:6], constant(950), wavy)},
		{"40 categories", history(90, many, constant(970), wavy)},
		{"hostile names", history(30, hostile, constant(500), wavy)},
		{"rate 0 and 1", history(30, []string{"Zero", "One"}, constant(0), func(_, c int) int { return 1000 * c })},
		{"nothing eligible ever", history(30, []string{"Books"}, constant(none), flat(none))},
		{"exempt only", history(30, []string{"Books"}, constant(exempt), flat(exempt))},
		{"every other day", history(30, []string{"Books"}, func(i int) int { return []int{none, 800}[i%2] }, func(i, _ int) int { return []int{none, 600}[i%2] })},
		{"zero date", []vtr.HistoryPoint{{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := render(t, tt.pts)
			if got := img.Bounds(); got != image.Rect(0, 0, width, height) {
				t.Errorf("bounds = %v, want %dx%d", got, width, height)
			}
			f := frameOf(tt.pts)
			if rows := rows(f.legend); rows < 1 || rows > maxLegendRows {
				t.Errorf("legend rows = %d, want 1..%d", rows, maxLegendRows)
			}
			if f.plot.Dy() < 250 {
				t.Errorf("plot height = %d, want >= 250", f.plot.Dy())
			}
		})
	}
}

// TestHistory_noData: an empty range, or one where nothing was eligible,
// is a chart that says so, not an error or a blank plot.
func TestHistory_noData(t *testing.T) {
	for name, pts := range map[string][]vtr.HistoryPoint{
		"no points":    nil,
		"nothing ever": history(30, []string{"Books"}, constant(none), flat(none)),
		"exempt only":  history(30, []string{"Books"}, constant(exempt), flat(exempt)),
	} {
		t.Run(name, func(t *testing.T) {
			img := render(t, pts)
			f := frameOf(pts)
			mid := image.Rect(f.plot.Min.X+1, (f.plot.Min.Y+f.plot.Max.Y)/2-lineHeight, f.plot.Max.X, (f.plot.Min.Y+f.plot.Max.Y)/2+lineHeight)
			if n := count(img, mid, black); n < 100 {
				t.Errorf("black pixels in the middle of the plot = %d, want the words \"no data\"", n)
			}
		})
	}
}

func TestHistory_target(t *testing.T) {
	tests := []struct {
		name string
		pts  []vtr.HistoryPoint
	}{
		{"one point", history(1, []string{"Books"}, constant(500), flat(300))},
		{"90 points", history(90, []string{"Books", "Toys"}, constant(500), wavy)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := render(t, tt.pts)
			f := frameOf(tt.pts)
			y := f.y(vtr.Target)
			row := image.Rect(f.plot.Min.X+1, y, f.plot.Max.X, y+1)
			// Dashed 8 on, 5 off: about 8/13 of the row; lines may cross it.
			if n, want := count(img, row, red), f.plot.Dx()/2; n < want {
				t.Errorf("red pixels at 95%% (y=%d) = %d, want >= %d", y, n, want)
			}
			if n := count(img, image.Rect(f.plot.Min.X+1, y+3, f.plot.Max.X, y+4), red); n != 0 {
				t.Errorf("red pixels at y=%d (below the target) = %d, want 0", y+3, n)
			}
			if !same(img.At(f.plot.Min.X+1, y), palette()[red]) {
				t.Errorf("pixel at start of target (%d,%d) = %v, want red", f.plot.Min.X+1, y, img.At(f.plot.Min.X+1, y))
			}
		})
	}
}

func TestHistory_categoryColours(t *testing.T) {
	// Names arrive unsorted; colours follow name order.
	names := []string{"Toys", "Books", "Garden"}
	levels := map[string]int{"Books": 200, "Garden": 500, "Toys": 800}
	pts := history(20, names, constant(980), func(_, c int) int { return levels[names[c]] })
	img := render(t, pts)
	f := frameOf(pts)
	sorted := slices.Sorted(slices.Values(names))
	for i, name := range sorted {
		t.Run(name, func(t *testing.T) {
			ci := seriesColour(i)
			x, y := f.x(10), f.y(float64(levels[name])/1000)
			if got := img.At(x, y); !same(got, palette()[ci]) {
				t.Errorf("pixel (%d,%d) on %s's line = %v, want %v", x, y, name, got, palette()[ci])
			}
			if n := count(img, f.plot, ci); n < f.plot.Dx() {
				t.Errorf("%s pixels in plot = %d, want >= %d", name, n, f.plot.Dx())
			}
		})
	}
}

func TestHistory_gaps(t *testing.T) {
	const n, g = 9, 4 // nine days, day 4 without a rate
	gapAt := func(r int) func(int) int {
		return func(i int) int {
			if i == g {
				return r
			}
			return 600
		}
	}
	tests := []struct {
		name string
		pts  []vtr.HistoryPoint
		ci   uint8 // the series that must not cross the gap
	}{
		{"category absent", history(n, []string{"Books"}, constant(900), func(i, _ int) int { return gapAt(none)(i) }), firstSeries},
		{"category exempt only", history(n, []string{"Books"}, constant(900), func(i, _ int) int { return gapAt(exempt)(i) }), firstSeries},
		{"overall nothing eligible", history(n, nil, gapAt(none), nil), black},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := render(t, tt.pts)
			f := frameOf(tt.pts)
			// Columns between the last drawn day before the gap and the
			// first after it, past the brush; rows inside the plot, above
			// the x axis.
			span := image.Rect(f.x(g-1)+3, f.plot.Min.Y, f.x(g+1)-2, f.plot.Max.Y)
			if got := count(img, span, tt.ci); got != 0 {
				t.Errorf("series pixels in gap columns %d..%d = %d, want 0", span.Min.X, span.Max.X-1, got)
			}
			// The same check two days earlier finds the line, so the one
			// above can fail.
			drawn := image.Rect(f.x(g-3)+3, f.plot.Min.Y, f.x(g-1)-2, f.plot.Max.Y)
			if got := count(img, drawn, tt.ci); got == 0 {
				t.Errorf("series pixels in columns %d..%d = 0, want a line", drawn.Min.X, drawn.Max.X-1)
			}
		})
	}
}

func TestHistory_loneDayIsADot(t *testing.T) {
	pts := history(9, []string{"Books"}, constant(900), func(i, _ int) int {
		if i == 4 {
			return 300
		}
		return none
	})
	img := render(t, pts)
	f := frameOf(pts)
	x, y := f.x(4), f.y(0.3)
	if n := count(img, image.Rect(x-2, y-2, x+3, y+3), firstSeries); n < 9 {
		t.Errorf("Books pixels around the lone day (%d,%d) = %d, want >= 9", x, y, n)
	}
}

func TestHistory_deterministic(t *testing.T) {
	names := []string{"Toys", "Books", "Garden", "Music"}
	pts := history(120, names, constant(930), wavy)
	a, err := History(pts, "t")
	if err != nil {
		t.Fatal(err)
	}
	b, err := History(pts, "t")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the same points differ")
	}
	// Category order inside a point does not matter either.
	shuffled := slices.Clone(pts)
	for i := range shuffled {
		cs := slices.Clone(shuffled[i].Categories)
		slices.Reverse(cs)
		shuffled[i].Categories = cs
	}
	c, err := History(shuffled, "t")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, c) {
		t.Error("reordering categories inside points changed the image")
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"ascii", "Books", 28, "Books"},
		{"umlauts", "Küche & Haushalt, Größe", 28, "Kuche & Haushalt, Grosse"},
		{"title separators", "VTR · DE – 2025", 28, "VTR | DE - 2025"},
		{"controls", "a\x00b\x1b[0m\tc\n", 28, "ab[0m c "},
		{"other scripts", "日本", 28, "??"},
		{"broken utf8", "a\xffb", 28, "ab"},
		{"exactly n", strings.Repeat("x", 28), 28, strings.Repeat("x", 28)},
		{"cut", strings.Repeat("x", 29), 28, strings.Repeat("x", 25) + "..."},
		{"huge", strings.Repeat("é", 1e6), 10, "eeeeeee..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clean(tt.in, tt.n); got != tt.want {
				t.Errorf("clean(%.40q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestPlaceLegend(t *testing.T) {
	const x0, maxX = plotLeft, width - plotRightPad
	tests := []struct {
		name     string
		n        int
		wantMore bool
	}{
		{"one", 1, false},
		{"six", 6, false},
		{"fifty", 50, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var es []entry
			for i := range tt.n {
				es = append(es, entry{label: clean(fmt.Sprintf("category number %d with a long name", i), maxLabel), ci: seriesColour(i), size: lineSize})
			}
			ps := placeLegend(es, x0, maxX)
			if r := rows(ps); r > maxLegendRows {
				t.Errorf("rows = %d, want <= %d", r, maxLegendRows)
			}
			for _, p := range ps {
				if p.x < x0 || p.x+p.width() > maxX {
					t.Errorf("entry %q at x %d..%d, want within %d..%d", p.label, p.x, p.x+p.width(), x0, maxX)
				}
			}
			last := ps[len(ps)-1]
			hasMore := strings.HasPrefix(last.label, "+")
			if hasMore != tt.wantMore {
				t.Fatalf("last entry %q, want a +N more label: %v", last.label, tt.wantMore)
			}
			if hasMore {
				if want := fmt.Sprintf("+%d more", tt.n-(len(ps)-1)); last.label != want {
					t.Errorf("last entry %q, want %q", last.label, want)
				}
			} else if len(ps) != tt.n {
				t.Errorf("placed %d entries, want %d", len(ps), tt.n)
			}
		})
	}
}

func BenchmarkHistory365(b *testing.B) {
	pts := history(365, []string{"Books", "Toys", "Garden", "Music", "Sports", "Kitchen"}, constant(950), wavy)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := History(pts, "Rolling 30-day VTR · DE · 2025-01-01 to 2025-12-31"); err != nil {
			b.Fatal(err)
		}
	}
}
