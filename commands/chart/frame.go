package chart

import (
	"image"
	"math"

	"github.com/vtrbot/vtrbot/vtr"
)

// frame maps days and rates to pixels. The plot rectangle has the y axis
// at Min.X, 0 % at Max.Y (the x axis) and 100 % at Min.Y; day 0 is inset
// from the y axis and the last day from the right edge.
type frame struct {
	plot   image.Rectangle
	n      int
	legend []placed
	axis   axis
}

// newFrame lays out the legend first: it takes one to maxLegendRows rows
// under the date labels, and the plot gets the height that is left.
func newFrame(points []vtr.HistoryPoint, entries []entry) frame {
	legend := placeLegend(entries, plotLeft, width-plotRightPad)
	bottom := height - bottomPad - rows(legend)*legendRowH - belowPlot
	cats, overall := collect(points)
	return frame{
		plot:   image.Rect(plotLeft, plotTop, width-plotRightPad, bottom),
		n:      len(points),
		legend: legend,
		axis:   yAxis(ratesOf(cats, overall), vtr.Target),
	}
}

// x is the column of day i.
func (f frame) x(i int) int {
	if f.n == 1 {
		return (f.plot.Min.X + f.plot.Max.X) / 2
	}
	span := f.plot.Dx() - 2*inset
	return f.plot.Min.X + inset + (i*span+(f.n-1)/2)/(f.n-1)
}

// y is the row of rate r (0..1; anything outside the axis is clamped).
func (f frame) y(r float64) int {
	lo, top := float64(f.axis.lo)/1000, float64(f.axis.top)/1000
	r = min(max(r, lo), top)
	return f.plot.Max.Y - int(math.Round((r-lo)/(top-lo)*float64(f.plot.Dy())))
}

// drawAxes draws the grid of the zoomed axis with labels, the axes, and a
// few date ticks (first, last, and evenly between) with YYYY-MM-DD labels.
func (f frame) drawAxes(c canvas, points []vtr.HistoryPoint) {
	for _, p := range f.axis.grid() {
		y := f.y(float64(p) / 1000)
		c.fill(image.Rect(f.plot.Min.X, y, f.plot.Max.X, y+1), grey)
		l := f.axis.label(p)
		c.text(f.plot.Min.X-6-textWidth(l), y-lineHeight/2, l, black)
	}
	for _, i := range ticks(f.n) {
		if f.n == 0 {
			break // an empty range: no dates to label
		}
		x := f.x(i)
		c.fill(image.Rect(x, f.plot.Min.Y, x+1, f.plot.Max.Y), grey)
		c.fill(image.Rect(x, f.plot.Max.Y, x+1, f.plot.Max.Y+5), black)
		l := points[i].Date.String()
		lx := min(max(x-textWidth(l)/2, 2), width-2-textWidth(l))
		c.text(lx, f.plot.Max.Y+8, l, black)
	}
	c.fill(image.Rect(f.plot.Min.X, f.plot.Min.Y, f.plot.Min.X+1, f.plot.Max.Y+1), black)
	c.fill(image.Rect(f.plot.Min.X, f.plot.Max.Y, f.plot.Max.X, f.plot.Max.Y+1), black)
	const yLabel = "valid tracking rate (%)"
	c.textUp(6, (f.plot.Min.Y+f.plot.Max.Y+textWidth(yLabel))/2, yLabel, black)
}

// drawSeries draws rates as a line of size px, each day's point moved by
// off[i] px (dodge; nil = none). NaN is a day without a rate: the line
// stops there and is not joined across the gap, and a day with gaps on
// both sides gets a dot so it still shows.
func (f frame) drawSeries(c canvas, rates []float64, off []int, size int, ci uint8) {
	o := func(i int) int {
		if off == nil {
			return 0
		}
		return off[i]
	}
	for i, r := range rates {
		if math.IsNaN(r) {
			continue
		}
		prev := i > 0 && !math.IsNaN(rates[i-1])
		next := i+1 < len(rates) && !math.IsNaN(rates[i+1])
		x, y := f.x(i), f.y(r)+o(i)
		if next {
			c.line(x, y, f.x(i+1), f.y(rates[i+1])+o(i+1), size, ci)
		} else if !prev {
			c.dot(x, y, 2*size+1, ci)
		}
	}
}

func (f frame) drawLegend(c canvas) {
	top := f.plot.Max.Y + belowPlot
	for _, p := range f.legend {
		y := top + p.row*legendRowH
		x := p.x
		if p.size > 0 {
			mid := y + lineHeight/2
			if p.dashed {
				c.dashedH(x, x+swatchWidth, mid, p.size, 6, 3, p.ci)
			} else {
				c.fill(image.Rect(x, mid-(p.size-1)/2, x+swatchWidth, mid+p.size/2+1), p.ci)
			}
			x += swatchWidth + swatchGap
		}
		c.text(x, y, p.label, black)
	}
}

// ticks picks up to maxDateTicks days to label: the first, the last, and
// evenly spaced ones between.
func ticks(n int) []int {
	k := min(n, maxDateTicks)
	if k <= 1 {
		return []int{0}
	}
	out := make([]int, 0, k)
	for j := range k {
		out = append(out, (j*(n-1)+(k-1)/2)/(k-1))
	}
	return out
}
