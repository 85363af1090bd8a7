// Package chart draws the /vtr history chart: the rolling Valid Tracking
// Rate per category over time, with the 95% target line, as a PNG. It only
// draws; it fetches nothing and posts nothing.
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"sort"

	"github.com/vtrbot/vtrbot/vtr"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// History renders points as a PNG: one line per category, one for the
// account, and the target.
func History(points []vtr.HistoryPoint, title string) ([]byte, error) {
	if len(points) == 0 {
		return nil, fmt.Errorf("no points to draw")
	}
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "valid tracking rate (%)"
	p.X.Label.Text = "days since " + points[0].Date.String()
	p.Y.Min, p.Y.Max = 0, 100
	p.Legend.Top = false
	p.Legend.Left = true

	series := map[string]plotter.XYs{}
	var names []string
	overall := plotter.XYs{}
	for i, pt := range points {
		if r := pt.Overall.Rate(); r != nil {
			overall = append(overall, plotter.XY{X: float64(i), Y: *r * 100})
		}
		for _, c := range pt.Categories {
			r := c.Rate()
			if r == nil {
				continue
			}
			if _, ok := series[c.Category]; !ok {
				names = append(names, c.Category)
			}
			series[c.Category] = append(series[c.Category], plotter.XY{X: float64(i), Y: *r * 100})
		}
	}
	sort.Strings(names)
	target := plotter.XYs{{X: 0, Y: vtr.Target * 100}, {X: float64(len(points) - 1), Y: vtr.Target * 100}}
	tl, err := plotter.NewLine(target)
	if err != nil {
		return nil, err
	}
	tl.Color = color.RGBA{R: 200, A: 255}
	tl.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(tl)
	p.Legend.Add("target 95%", tl)
	palette := []color.Color{
		color.RGBA{R: 31, G: 119, B: 180, A: 255}, color.RGBA{R: 255, G: 127, B: 14, A: 255},
		color.RGBA{R: 44, G: 160, B: 44, A: 255}, color.RGBA{R: 148, G: 103, B: 189, A: 255},
		color.RGBA{R: 140, G: 86, B: 75, A: 255}, color.RGBA{R: 227, G: 119, B: 194, A: 255},
	}
	for i, n := range names {
		l, err := plotter.NewLine(series[n])
		if err != nil {
			return nil, err
		}
		l.Color = palette[i%len(palette)]
		p.Add(l)
		p.Legend.Add(n, l)
	}
	if len(overall) > 0 {
		l, err := plotter.NewLine(overall)
		if err != nil {
			return nil, err
		}
		l.Width = vg.Points(2.5)
		p.Add(l)
		p.Legend.Add("all categories", l)
	}
	w, err := p.WriterTo(8*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
