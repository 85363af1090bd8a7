// Package chart draws the /vtr history chart: the rolling Valid Tracking
// Rate per category over time, with the 95% target line, as a PNG. It only
// draws; it fetches nothing and posts nothing.
//
// It draws with the standard library's image packages and the fixed 7x13
// bitmap font of golang.org/x/image, not a plotting library: gonum/plot
// brought about 60 packages and 14 MB of modules (fonts, LaTeX, PDF, SVG)
// into the first build that issue 9 wants under a minute, for one chart.
package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"
	"sort"

	"github.com/vtrbot/vtrbot/vtr"
)

// Image geometry, in pixels.
const (
	width, height = 900, 450
	plotLeft      = 60 // room for the y label and "100%"
	plotTop       = 34 // room for the title
	plotRightPad  = 20 // the last date label may use it
	inset         = 6  // between the y axis and the first day
	belowPlot     = 30 // date labels, before the legend
	bottomPad     = 6  // under the legend
	lineSize      = 2  // px, a category
	overallSize   = 3  // px, all categories
	maxTitle      = (width - 20) / glyphAdvance
	maxDateTicks  = 5
)

// Palette indices; see palette.
const (
	white uint8 = iota
	black
	grey
	red
	firstSeries
	seriesColours = 8
)

// palette is the image's colour table: flat colours only, since nothing is
// blended. Series use matplotlib's tab10 colours without its red and grey,
// which would read as the target and the grid; after eight categories the
// colours repeat.
func palette() color.Palette {
	return color.Palette{
		white:       color.RGBA{R: 255, G: 255, B: 255, A: 255},
		black:       color.RGBA{A: 255},
		grey:        color.RGBA{R: 225, G: 225, B: 225, A: 255},
		red:         color.RGBA{R: 200, A: 255},
		firstSeries: color.RGBA{R: 31, G: 119, B: 180, A: 255},
		color.RGBA{R: 255, G: 127, B: 14, A: 255},
		color.RGBA{R: 44, G: 160, B: 44, A: 255},
		color.RGBA{R: 148, G: 103, B: 189, A: 255},
		color.RGBA{R: 140, G: 86, B: 75, A: 255},
		color.RGBA{R: 227, G: 119, B: 194, A: 255},
		color.RGBA{R: 188, G: 189, B: 34, A: 255},
		color.RGBA{R: 23, G: 190, B: 207, A: 255},
	}
}

// seriesColour is the palette index of the i-th category (in name order).
func seriesColour(i int) uint8 { return firstSeries + uint8(i%seriesColours) }

// History renders points as a PNG: one line per category, one for the
// account, and the dashed target, on a y axis zoomed to the data and the
// target. A day without a rate (nothing eligible) leaves a gap in that
// line; a day with a rate between two gaps is a dot. Lines that meet (at
// 100 %, say) are drawn side by side. A category whose points rest on few
// packages says how many in the legend ("n=3-6"). A chart of one category
// (the account line would repeat it) draws that category alone. A range
// with no rate at all says "no data" over the empty axes.
func History(points []vtr.HistoryPoint, title string) ([]byte, error) {
	cats, overall := collect(points)
	f := newFrame(points, legendEntries(points, cats, overall))
	img := image.NewPaletted(image.Rect(0, 0, width, height), palette())
	c := canvas{img} // index 0 is white: the background is already there
	f.drawAxes(c, points)
	y95 := f.y(vtr.Target)
	c.dashedH(f.plot.Min.X+1, f.plot.Max.X, y95, lineSize, 8, 5, red)
	all := ratesOf(cats, overall) // overall first, then the categories
	ys, drawn := make([][]int, len(all)), make([][]bool, len(all))
	for s, rates := range all {
		ys[s], drawn[s] = make([]int, len(points)), make([]bool, len(points))
		for i, r := range rates {
			if !math.IsNaN(r) {
				ys[s][i], drawn[s][i] = f.y(r), true
			}
		}
	}
	offs := dodge(ys, drawn, lineSize+1)
	for i, s := range cats {
		f.drawSeries(c, s.rates, offs[i+1], lineSize, seriesColour(i))
	}
	if overall != nil {
		f.drawSeries(c, overall, offs[0], overallSize, black)
	}
	if overall == nil && len(cats) == 0 {
		const none = "no data: nothing eligible in this range"
		c.text((f.plot.Min.X+f.plot.Max.X-textWidth(none))/2, (f.plot.Min.Y+f.plot.Max.Y)/2-lineHeight/2, none, black)
	}
	t := clean(title, maxTitle)
	c.text((width-textWidth(t))/2, 8, t, black)
	f.drawLegend(c)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// series is one category's rates, one per point, NaN where it has none.
type series struct {
	name  string
	rates []float64
}

// collect splits points into per-category rates, sorted by name, and the
// overall rates (nil when no day has one). A category with no rate on any
// day is left out, as it would draw nothing. When the only category's
// rates are the overall ones (a chart of one category), the overall line
// is left out: it would hide the category's under black.
func collect(points []vtr.HistoryPoint) ([]series, []float64) {
	cats, overall := collectAll(points)
	if len(cats) == 1 && slices.EqualFunc(cats[0].rates, overall, func(a, b float64) bool {
		return a == b || (math.IsNaN(a) && math.IsNaN(b))
	}) {
		overall = nil
	}
	return cats, overall
}

func collectAll(points []vtr.HistoryPoint) ([]series, []float64) {
	gaps := func() []float64 {
		r := make([]float64, len(points))
		for i := range r {
			r[i] = math.NaN()
		}
		return r
	}
	byName := map[string][]float64{}
	var overall []float64
	for i, pt := range points {
		if r := pt.Overall.Rate(); r != nil {
			if overall == nil {
				overall = gaps()
			}
			overall[i] = *r
		}
		for _, cr := range pt.Categories {
			r := cr.Rate()
			if r == nil {
				continue
			}
			if byName[cr.Category] == nil {
				byName[cr.Category] = gaps()
			}
			byName[cr.Category][i] = *r
		}
	}
	cats := make([]series, 0, len(byName))
	for n, r := range byName {
		cats = append(cats, series{n, r})
	}
	sort.Slice(cats, func(i, j int) bool { return cats[i].name < cats[j].name })
	return cats, overall
}

func legendEntries(points []vtr.HistoryPoint, cats []series, overall []float64) []entry {
	es := []entry{{label: "target 95%", ci: red, size: lineSize, dashed: true}}
	for i, s := range cats {
		label := clean(s.name, maxLabel)
		if lo, hi := packageRange(points, s.name); hi > 0 && hi < small {
			if lo == hi {
				label += fmt.Sprintf(" (n=%d)", lo)
			} else {
				label += fmt.Sprintf(" (n=%d-%d)", lo, hi)
			}
		}
		es = append(es, entry{label: label, ci: seriesColour(i), size: lineSize})
	}
	if overall != nil {
		es = append(es, entry{label: "all categories", ci: black, size: overallSize})
	}
	return es
}
