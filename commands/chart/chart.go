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
// account, and the dashed target. A day without a rate (nothing eligible)
// leaves a gap in that line; a day with a rate between two gaps is a dot.
func History(points []vtr.HistoryPoint, title string) ([]byte, error) {
	if len(points) == 0 {
		return nil, fmt.Errorf("no points to draw")
	}
	cats, overall := collect(points)
	f := newFrame(points, legendEntries(cats, overall))
	img := image.NewPaletted(image.Rect(0, 0, width, height), palette())
	c := canvas{img} // index 0 is white: the background is already there
	f.drawAxes(c, points)
	y95 := f.y(vtr.Target)
	c.dashedH(f.plot.Min.X+1, f.plot.Max.X, y95, lineSize, 8, 5, red)
	for i, s := range cats {
		f.drawSeries(c, s.rates, lineSize, seriesColour(i))
	}
	if overall != nil {
		f.drawSeries(c, overall, overallSize, black)
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
// day is left out, as it would draw nothing.
func collect(points []vtr.HistoryPoint) ([]series, []float64) {
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

func legendEntries(cats []series, overall []float64) []entry {
	es := []entry{{label: "target 95%", ci: red, size: lineSize, dashed: true}}
	for i, s := range cats {
		es = append(es, entry{label: clean(s.name, maxLabel), ci: seriesColour(i), size: lineSize})
	}
	if overall != nil {
		es = append(es, entry{label: "all categories", ci: black, size: overallSize})
	}
	return es
}
