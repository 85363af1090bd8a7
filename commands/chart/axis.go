package chart

import (
	"math"
	"strconv"

	"github.com/vtrbot/vtrbot/vtr"
)

// axis is the y axis's range, in tenths of a percent (per mille): the plot
// runs from lo at the x axis to top, with a grid line every step from lo to
// 1000 (100 %). top sits a little above 1000 so that lines at 100 % are not
// drawn on the frame.
//
// The range zooms to the data and the target: a seller whose rates move
// between 94 % and 100 % must see 95.5 % apart from the 95 % target, which
// on a 0..100 % axis of 250 px are a pixel apart.
type axis struct {
	lo, step, top int
}

// steps are the grid spacings tried, finest first, in per mille.
var steps = []int{5, 10, 20, 50, 100, 200}

// maxGridLines bounds the labels on the y axis (at 13 px a label).
const maxGridLines = 8

// yAxis computes the axis for rates (NaN = none) and the target. Without
// any rate it is 0..100 %.
func yAxis(rates [][]float64, target float64) axis {
	low := math.Inf(1)
	for _, s := range rates {
		for _, r := range s {
			if !math.IsNaN(r) {
				low = min(low, r)
			}
		}
	}
	if math.IsInf(low, 1) {
		return axis{lo: 0, step: 200, top: 1050}
	}
	low = max(min(low, target), 0)
	// Leave a tenth of the span below the lowest value (at least 0.5 %),
	// so a line at the minimum is not on the x axis.
	pad := max((1-low)/10, 0.005)
	floor := int(math.Floor((low - pad) * 1000))
	for _, st := range steps {
		lo := max(floorTo(floor, st), 0)
		if (1000-lo)/st <= maxGridLines {
			return axis{lo: lo, step: st, top: 1000 + max(st/4, 2)}
		}
	}
	return axis{lo: 0, step: 200, top: 1050}
}

func floorTo(v, step int) int {
	if v >= 0 {
		return v / step * step
	}
	return -((-v + step - 1) / step * step)
}

// grid is the per-mille values of the grid lines, lo to 1000.
func (a axis) grid() []int {
	var out []int
	for p := a.lo; p <= 1000; p += a.step {
		out = append(out, p)
	}
	return out
}

// label is a grid value as a percentage: "95%", or "95.5%" when the step is
// finer than a percent.
func (a axis) label(permille int) string {
	if a.step%10 == 0 {
		return strconv.Itoa(permille/10) + "%"
	}
	return strconv.FormatFloat(float64(permille)/10, 'f', 1, 64) + "%"
}

// ratesOf is every series' rates, for yAxis.
func ratesOf(cats []series, overall []float64) [][]float64 {
	out := [][]float64{overall}
	for _, s := range cats {
		out = append(out, s.rates)
	}
	return out
}

// dodge returns, per series and day, a pixel offset that moves apart lines
// drawn at the same pixel row on the same day (several categories at
// 100 %): the k lines of a tie are spread size px apart around the row, in
// series order, so each keeps its colour visible.
func dodge(ys [][]int, drawn [][]bool, size int) [][]int {
	offs := make([][]int, len(ys))
	for i := range ys {
		offs[i] = make([]int, len(ys[i]))
	}
	if len(ys) == 0 {
		return offs
	}
	for day := range ys[0] {
		byRow := map[int][]int{}
		for s := range ys {
			if drawn[s][day] {
				byRow[ys[s][day]] = append(byRow[ys[s][day]], s)
			}
		}
		for _, group := range byRow {
			k := len(group)
			for j, s := range group {
				offs[s][day] = (2*j - (k - 1)) * size / 2
			}
		}
	}
	return offs
}

// small is how few eligible packages a category's point may rest on before
// its legend says how many: below this one package moves the rate by more
// than 5 points, more than the whole gap between 95 % and 100 %.
const small = 20

// packageRange is the fewest and most eligible packages of a category's
// points that have a rate.
func packageRange(points []vtr.HistoryPoint, name string) (lo, hi int) {
	lo = math.MaxInt
	for _, p := range points {
		for _, c := range p.Categories {
			if c.Category == name && c.Eligible > 0 {
				lo, hi = min(lo, c.Eligible), max(hi, c.Eligible)
			}
		}
	}
	if hi == 0 {
		return 0, 0
	}
	return lo, hi
}
