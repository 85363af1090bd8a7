package flatfile_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

// readCategories reads a categories file given as bytes, with an optional
// charset.
func readCategories(t *testing.T, name string, b []byte, cs *flatfile.Charset) (map[string]string, error) {
	t.Helper()
	r, err := flatfile.NewReaderCharset(name, strings.NewReader(string(b)), cs)
	if err != nil {
		return nil, err
	}
	got := map[string]string{}
	err = flatfile.ReadCategories(r, func(_ int, sku, cat string) error { got[sku] = cat; return nil })
	return got, err
}

// CSV quoting is strict and ends at the line: a quoted value is closed on
// its own line, and a stray quote is an error at its line, never a value
// that swallows the rest of the file while the import reports success.
func TestReader_csvQuoting(t *testing.T) {
	tests := []struct {
		name, text string
		want       map[string]string // nil when an error is wanted
		err        string
	}{
		{"quoted values, doubled quotes, commas inside", "sku,category\n\"CD-1\",\"Music, Rare\"\nDVD-1,\"The \"\"Best\"\" Films\"\n",
			map[string]string{"CD-1": "Music, Rare", "DVD-1": `The "Best" Films`}, ""},
		{"spaces around a quoted value", "sku,category\n  \"CD-1\" , \"Music\"  \n", map[string]string{"CD-1": "Music"}, ""},
		{"a quote inside an unquoted value is a character", "sku,category\nLP-1,12\" Vinyl\nLP-2,Vinyl 7\"\n",
			map[string]string{"LP-1": `12" Vinyl`, "LP-2": `Vinyl 7"`}, ""},
		{"empty quoted value and trailing comma", "sku,category,notes\nCD-1,Music,\"\"\nCD-2,Books,\n", map[string]string{"CD-1": "Music", "CD-2": "Books"}, ""},
		{"a stray opening quote stops at its line", "sku,category\nCD-1,Music\n\"DVD-1,Movies\nBK-1,Books\nBK-2\",Rare\nBK-3,Books\n", nil,
			`c.csv:3: value 1 (sku): its opening quote is never closed on this line (a value cannot hold a line break)`},
		{"a quoted value may not hold a line break", "sku,category\nCD-1,\"Music\nand more\"\n", nil,
			`c.csv:2: value 2 (category): its opening quote is never closed on this line`},
		{"text after a closing quote", "sku,category\nCD-1,Music\n\"DVD\"-1,Movies\n", nil,
			`c.csv:3: value 1 (sku): text "-1,Movies" after its closing quote; a quote inside a quoted value is written twice ("")`},
		{"a lone quote inside a quoted value", "sku,category\nCD-1,\"12\" Vinyl\"\n", nil,
			`c.csv:2: value 2 (category): text "Vinyl\"" after its closing quote`},
		{"header quote never closed", "sku,\"category\n", nil, `c.csv:1: value 2: its opening quote is never closed`},
		{"line numbers count blank lines", "sku,category\n\nCD-1,Music\n\n\nCD-2,\"Music\n", nil, `c.csv:6: value 2 (category): its opening quote`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readCategories(t, "c.csv", []byte(tt.text), nil)
			if tt.want != nil {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("categories %q, want %q", got, tt.want)
				}
				return
			}
			var fe *flatfile.Error
			if err == nil || !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.err) {
				t.Errorf("error %v, want a *flatfile.Error starting %q", err, tt.err)
			}
		})
	}
}
