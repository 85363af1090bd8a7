// Package suggest finds the word a user probably meant ("did you mean
// status?") among a command's known words: subcommands of bot, /vtr
// subcommands, flag names. It is a pure function of its inputs, so that the
// command line and the chat suggest alike.
package suggest

import "strings"

// MaxDistance is the largest edit distance a suggestion may have: two
// slips (a missing letter, two swapped ones, a wrong one) are a typo; more
// is another word.
const MaxDistance = 2

// Closest returns the candidate nearest to word by Distance (compared
// case-insensitively), or "" when none is within MaxDistance or word is
// empty. Ties go to the candidate listed first, so callers order
// candidates by how often they are used.
func Closest(word string, candidates []string) string {
	w := strings.ToLower(word)
	if w == "" {
		return ""
	}
	best, bestD := "", MaxDistance+1
	for _, c := range candidates {
		d := Distance(w, strings.ToLower(c))
		// A one-letter word is within 2 edits of every short word: demand
		// that a suggestion keeps at least half of what was typed.
		if d < bestD && d <= len([]rune(w))/2+len([]rune(w))%2 {
			best, bestD = c, d
		}
	}
	return best
}

// Distance is the optimal-string-alignment distance between a and b
// (Damerau-Levenshtein without repeated edits of one substring): the number
// of insertions, deletions, substitutions and swaps of two adjacent runes
// that turn a into b.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows suffice: a swap looks two rows back.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
