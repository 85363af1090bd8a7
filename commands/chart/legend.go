package chart

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Legend geometry, in pixels.
const (
	swatchWidth   = 22 // the sample line before a label
	swatchGap     = 6  // between sample and label
	entryGap      = 18 // after a label
	legendRowH    = 16
	maxLegendRows = 3
	maxLabel      = 28 // characters of a category name shown; the rest is "..."
)

// entry is one legend item: a sample of the line and its label. A zero
// size means a label without a sample ("+3 more").
type entry struct {
	label  string
	ci     uint8
	size   int
	dashed bool
}

func (e entry) width() int {
	if e.size == 0 {
		return textWidth(e.label)
	}
	return swatchWidth + swatchGap + textWidth(e.label) + entryGap
}

// placed is an entry at its spot: x and row of the legend.
type placed struct {
	entry
	x, row int
}

// placeLegend flows entries left to right from x0, wrapping before maxX, on
// at most maxLegendRows rows. What does not fit is counted in a last
// "+N more" label, so many categories never push the plot off the image.
func placeLegend(entries []entry, x0, maxX int) []placed {
	var out []placed
	x, row := x0, 0
	for _, e := range entries {
		w := e.width()
		if x+w > maxX && x > x0 {
			row, x = row+1, x0
		}
		if row == maxLegendRows {
			return withMore(out, len(entries), x0, maxX)
		}
		out = append(out, placed{e, x, row})
		x += w
	}
	return out
}

// withMore ends a full legend with "+N more", dropping entries from the end
// of the last row until the label fits.
func withMore(out []placed, total, x0, maxX int) []placed {
	for {
		more := entry{label: fmt.Sprintf("+%d more", total-len(out))}
		end := x0
		if n := len(out); n > 0 {
			end = out[n-1].x + out[n-1].width()
		}
		if end+more.width() <= maxX || len(out) == 0 {
			return append(out, placed{more, end, maxLegendRows - 1})
		}
		out = out[:len(out)-1]
	}
}

// rows is how many legend rows ps use.
func rows(ps []placed) int {
	n := 0
	for _, p := range ps {
		n = max(n, p.row+1)
	}
	return n
}

// latin1 folds U+00C0..U+00FF to ASCII look-alikes, so "Küche" reads
// "Kuche" in a font that only has ASCII.
const latin1 = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTs" + "aaaaaaaceeeeiiiidnooooo/ouuuuyty"

// clean makes s drawable with basicfont (printable ASCII only) and at most
// n characters long, ending in "..." when cut. Names come from seller files
// and titles from callers, so anything can arrive; it is only pixels.
func clean(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() > n { // enough to know it will be cut
			break
		}
		switch {
		case r >= ' ' && r <= '~':
			b.WriteRune(r)
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r == 'ß':
			b.WriteString("ss")
		case r >= 0xC0 && r <= 0xFF:
			b.WriteByte(latin1[r-0xC0])
		case r == '·' || r == '•':
			b.WriteByte('|')
		case r == '–' || r == '—' || r == '−':
			b.WriteByte('-')
		case r == '‘' || r == '’':
			b.WriteByte('\'')
		case r == '“' || r == '”':
			b.WriteByte('"')
		case r == utf8.RuneError, r < ' ', r == 0x7f:
			// invalid bytes and control characters: leave them out
		default:
			b.WriteByte('?')
		}
	}
	out := b.String()
	if len(out) > n {
		out = out[:max(n-3, 0)] + "..."
	}
	return out
}
