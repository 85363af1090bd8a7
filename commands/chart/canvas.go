package chart

import (
	"image"

	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// canvas draws with palette indices straight into a paletted image: the
// chart uses a dozen flat colours and no anti-aliasing, so there is nothing
// to blend, and the PNG stays small.
type canvas struct{ img *image.Paletted }

// Text metrics of basicfont.Face7x13: every glyph advances 7 px, a line is
// 13 px tall with its baseline 11 px below the top.
const (
	glyphAdvance = 7
	lineHeight   = 13
	ascent       = 11
)

func (c canvas) set(x, y int, ci uint8) {
	if image.Pt(x, y).In(c.img.Rect) {
		c.img.Pix[c.img.PixOffset(x, y)] = ci
	}
}

// fill paints r (clipped to the image).
func (c canvas) fill(r image.Rectangle, ci uint8) {
	r = r.Intersect(c.img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := c.img.Pix[c.img.PixOffset(r.Min.X, y):c.img.PixOffset(r.Max.X, y)]
		for i := range row {
			row[i] = ci
		}
	}
}

// dot paints a size x size square over (x, y): pixels x-(size-1)/2 ..
// x+size/2, so a 2-px brush covers x and x+1.
func (c canvas) dot(x, y, size int, ci uint8) {
	lo, hi := -(size-1)/2, size/2
	c.fill(image.Rect(x+lo, y+lo, x+hi+1, y+hi+1), ci)
}

// line draws from (x0, y0) to (x1, y1) with Bresenham's algorithm, stamping
// a size-px square brush at every step: a thick line without blending.
func (c canvas) line(x0, y0, x1, y1, size int, ci uint8) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		c.dot(x0, y0, size, ci)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e // both steps test the error from before either
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

// dashedH draws a horizontal dashed line from x0 to x1 (exclusive) at y:
// dashes of on px separated by off px, starting with a dash at x0.
func (c canvas) dashedH(x0, x1, y, size, on, off int, ci uint8) {
	for x := x0; x < x1; x += on + off {
		for i := x; i < min(x+on, x1); i++ {
			c.dot(i, y, size, ci)
		}
	}
}

// text writes s with its top-left corner at (x, y). s should be printable
// ASCII (see clean); anything else shows as the font's replacement box.
func (c canvas) text(x, y int, s string, ci uint8) {
	glyphs(s, func(gx, gy int) { c.set(x+gx, y+gy, ci) })
}

// textUp writes s turned 90° anticlockwise, reading upwards from (x, y):
// the text's top faces left, as on a y-axis label.
func (c canvas) textUp(x, y int, s string, ci uint8) {
	glyphs(s, func(gx, gy int) { c.set(x+gy, y-gx, ci) })
}

// glyphs calls set for every inked pixel of s laid out on one line, with
// (0, 0) at the top-left of the line box.
func glyphs(s string, set func(gx, gy int)) {
	face := basicfont.Face7x13
	dot := fixed.P(0, ascent)
	for _, r := range s {
		dr, mask, mp, adv, _ := face.Glyph(dot, r)
		dot.X += adv
		if mask == nil {
			continue
		}
		for y := dr.Min.Y; y < dr.Max.Y; y++ {
			for x := dr.Min.X; x < dr.Max.X; x++ {
				if _, _, _, a := mask.At(mp.X+x-dr.Min.X, mp.Y+y-dr.Min.Y).RGBA(); a >= 0x8000 {
					set(x, y)
				}
			}
		}
	}
}

func textWidth(s string) int { return len(s) * glyphAdvance }

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func sign(v int) int {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}
