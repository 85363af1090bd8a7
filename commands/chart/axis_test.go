package chart

import (
	"image"
	"math"
	"slices"
	"testing"

	"github.com/vtrbot/vtrbot/vtr"
)

func TestYAxis_zoomsToDataAndTarget(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name      string
		rates     [][]float64
		lo, step  int // per mille
		wantLabel string
	}{
		{"95.5 to 100", [][]float64{{0.955, 1, nan}}, 940, 10, "94%"},
		{"all 100", [][]float64{{1, 1}, {1}}, 940, 10, "94%"},
		{"down to 60", [][]float64{{0.6, 0.97}}, 500, 100, "50%"},
		{"zero", [][]float64{{0, 1}}, 0, 200, "0%"},
		{"99.5 to 100, target below", [][]float64{{0.995}}, 940, 10, "94%"},
		{"nothing", [][]float64{{nan}, nil}, 0, 200, "0%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := yAxis(tt.rates, vtr.Target)
			if a.lo != tt.lo || a.step != tt.step {
				t.Errorf("axis = %+v, want lo %d step %d", a, tt.lo, tt.step)
			}
			g := a.grid()
			if len(g) > maxGridLines+1 || g[len(g)-1] != 1000 || a.top <= 1000 {
				t.Errorf("grid %v top %d: want at most %d lines ending at 100%% and room above it", g, a.top, maxGridLines+1)
			}
			if got := a.label(a.lo); got != tt.wantLabel {
				t.Errorf("label(lo) = %q, want %q", got, tt.wantLabel)
			}
		})
	}
}

// TestHistory_zoomPixels renders a seller at 95.5 %: its line is well clear
// of the 95 % target line, and the axis is labelled from 94 %, not 0 %.
func TestHistory_zoomPixels(t *testing.T) {
	pts := history(30, []string{"Books", "Music"}, constant(955), flat(960))
	img := render(t, pts)
	f := frameOf(pts)
	yRate, yTarget := f.y(0.955), f.y(vtr.Target)
	if yTarget-yRate < 10 {
		t.Fatalf("95.5%% at row %d, 95%% at row %d: want at least 10 px apart", yRate, yTarget)
	}
	x := f.x(15)
	if n := count(img, image.Rect(x-1, yRate-2, x+2, yRate+3), black); n == 0 {
		t.Errorf("no black (account) pixel near (%d,%d)", x, yRate)
	}
	// The lowest grid label is 94%: black text left of the y axis at its row.
	y94 := f.y(0.94)
	if n := count(img, image.Rect(0, y94-lineHeight/2, f.plot.Min.X-1, y94+lineHeight/2+1), black); n == 0 {
		t.Errorf("no label left of the axis at 94%% (row %d)", y94)
	}
	if f.axis.label(f.axis.lo) != "94%" {
		t.Errorf("lowest label %q, want 94%%", f.axis.label(f.axis.lo))
	}
}

// TestHistory_linesAt100Distinguishable: three categories and the account
// all at 100 % each show their colour.
func TestHistory_linesAt100Distinguishable(t *testing.T) {
	names := []string{"Books", "Music", "Toys"}
	pts := history(30, names, constant(1000), flat(1000))
	img := render(t, pts)
	f := frameOf(pts)
	band := image.Rect(f.plot.Min.X+inset, f.plot.Min.Y, f.plot.Max.X-inset, f.y(0.99))
	for i, n := range slices.Sorted(slices.Values(names)) {
		if got := count(img, band, seriesColour(i)); got < f.plot.Dx()/2 {
			t.Errorf("%s pixels near 100%% = %d, want >= %d (hidden under another line)", n, got, f.plot.Dx()/2)
		}
	}
	if got := count(img, band, black); got < f.plot.Dx() {
		t.Errorf("account pixels near 100%% = %d, want >= %d", got, f.plot.Dx())
	}
}

// TestHistory_smallCategoryCounts: a category whose points rest on a few
// packages says how many in its legend; a big one does not.
func TestHistory_smallCategoryCounts(t *testing.T) {
	pts := history(3, []string{"Books", "Music"}, constant(980), flat(1000))
	for i := range pts {
		pts[i].Categories[0].Counts = vtr.Counts{Eligible: 3 + i, Valid: 3 + i}
	}
	cats, overall := collect(pts)
	var labels []string
	for _, e := range legendEntries(pts, cats, overall) {
		labels = append(labels, e.label)
	}
	want := []string{"target 95%", "Books (n=3-5)", "Music", "all categories"}
	if !slices.Equal(labels, want) {
		t.Errorf("legend = %q, want %q", labels, want)
	}
}

// TestHistory_oneCategory: a chart of one category names it in the legend
// and draws no account line over it.
func TestHistory_oneCategory(t *testing.T) {
	pts := history(10, []string{"Books"}, constant(900), flat(900))
	cats, overall := collect(pts)
	if len(cats) != 1 || overall != nil {
		t.Fatalf("collect: %d categories, overall %v; want Books alone", len(cats), overall != nil)
	}
	img := render(t, pts)
	if n := count(img, frameOf(pts).plot.Inset(2), black); n > 0 {
		// only the axes are black; Inset(2) leaves them out
		t.Errorf("black pixels inside the plot = %d, want none (no account line)", n)
	}
}
