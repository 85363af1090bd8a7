package flatfile_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/vtr/flatfile"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

// encode writes text in enc, as Excel or Seller Central would save it.
func encode(t *testing.T, enc encoding.Encoding, text string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatalf("encode %q: %v", text, err)
	}
	return b
}

func charset(t *testing.T, name string) *flatfile.Charset {
	t.Helper()
	cs, err := flatfile.LookupCharset(name)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// A file is decoded when that is unambiguous (a byte-order mark; valid
// UTF-8) or named (--encoding); anything else stops at the line of the
// first byte that is not text, naming the byte and what to do.
func TestReader_encodings(t *testing.T) {
	const text = "sku\tcategory\nCD-1\tMusique café\nJP-1\t日本の音楽\nDVD-1\tFilms\n"
	want := map[string]string{"CD-1": "Musique café", "JP-1": "日本の音楽", "DVD-1": "Films"}
	const european = "sku\tcategory\nCD-1\tMusique café\nDVD-1\tFilms – Séries\n"
	wantEuropean := map[string]string{"CD-1": "Musique café", "DVD-1": "Films – Séries"}
	const japaneseText = "sku,category\nJP-1,日本の音楽\nJP-2,本・雑誌\n"
	wantJapanese := map[string]string{"JP-1": "日本の音楽", "JP-2": "本・雑誌"}
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	utf16be := unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	tests := []struct {
		name    string
		file    []byte
		charset string // --encoding; "" for none
		want    map[string]string
		err     string
	}{
		{"UTF-8", []byte(text), "", want, ""},
		{"UTF-8 with a BOM", []byte("\uFEFF" + text), "", want, ""},
		{"UTF-8 with a BOM and --encoding: the BOM wins", []byte("\uFEFF" + text), "windows-1252", want, ""},
		{"UTF-8 and --encoding: valid UTF-8 wins", []byte(text), "shift_jis", want, ""},
		{"UTF-16LE with a BOM (Excel's Unicode text)", encode(t, utf16le, text), "", want, ""},
		{"UTF-16BE with a BOM", encode(t, utf16be, text), "", want, ""},
		{"UTF-16LE with a BOM, CRLF", encode(t, utf16le, strings.ReplaceAll(text, "\n", "\r\n")), "", want, ""},
		{"UTF-16LE without a BOM, named", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), text), "utf-16le", want, ""},
		{"UTF-8 file with --encoding utf-16le", []byte(text), "utf-16le", want, ""},
		{"Windows-1252, named", encode(t, charmap.Windows1252, european), "windows-1252", wantEuropean, ""},
		{"Windows-1252, named as cp1252", encode(t, charmap.Windows1252, european), "cp1252", wantEuropean, ""},
		{"Shift_JIS CSV, named", encode(t, japanese.ShiftJIS, japaneseText), "shift_jis", wantJapanese, ""},
		{"Shift_JIS CSV, named as sjis", encode(t, japanese.ShiftJIS, japaneseText), "sjis", wantJapanese, ""},

		{"Windows-1252, not named", encode(t, charmap.Windows1252, european), "", nil,
			"f:2: byte 0xE9 at byte 17 of the line is not UTF-8; if the file is Windows-1252 or Shift_JIS, pass --encoding windows-1252 or --encoding shift_jis"},
		{"Shift_JIS, not named", encode(t, japanese.ShiftJIS, japaneseText), "", nil, "f:2: byte 0x93 at byte 6 of the line is not UTF-8; if the file is"},
		{"UTF-16LE without a BOM, not named", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), text), "", nil,
			"f:1: a NUL byte (0x00) at byte 2 of the line: not text; the file looks like UTF-16 without a byte-order mark: pass --encoding utf-16le (or utf-16be)"},
		{"a NUL byte", []byte("sku\tcategory\nCD-1\tMusic\nCD-2\tMu\x00sic\n"), "", nil, "f:3: a NUL byte (0x00) at byte 8 of the line: not text"},
		{"a NUL byte in UTF-16", encode(t, utf16le, "sku\tcategory\nCD-1\tMu\x00sic\n"), "", nil, "f:2: a NUL byte (0x00) at byte 8 of the line: not text\n"},
		{"a NUL byte in a named charset", append(encode(t, charmap.Windows1252, european), "X\tA\x00\n"...), "windows-1252", nil, "f:4: a NUL byte"},
		{"invalid UTF-8 after valid UTF-8, --encoding given", []byte("sku\tcategory\nCD-1\tcafé\nCD-2\tcaf\xE9\n"), "windows-1252", nil,
			"f:3: byte 0xE9 at byte 9 of the line is not UTF-8 (line 2 is UTF-8, so the file is read as UTF-8, not windows-1252)"},
		{"invalid Shift_JIS", append(encode(t, japanese.ShiftJIS, japaneseText), "JP-3,\x81\x20\n"...), "shift_jis", nil,
			"f:4: not valid shift_jis text (the file was read as shift_jis from line 2 on, by --encoding)"},
		{"invalid UTF-8 and --encoding utf-16le, not UTF-16", []byte("sku\tcategory\nCD-1\tcaf\xE9\n"), "utf-16le", nil,
			"f:2: byte 0xE9 at byte 9 of the line is not UTF-8 (the file does not start like utf-16le: it has no NUL byte)"},
		{"a byte Windows-1252 does not define", []byte("sku\tcategory\nCD-1\tcaf\xE9\nCD-2\t\x81\n"), "windows-1252", nil, "f:3: not valid windows-1252 text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cs *flatfile.Charset
			if tt.charset != "" {
				cs = charset(t, tt.charset)
			}
			got, err := readCategories(t, "f", tt.file, cs)
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
			if err == nil || !errors.As(err, &fe) || !strings.HasPrefix(err.Error()+"\n", tt.err) {
				t.Errorf("error %v\nwant a *flatfile.Error starting %q", err, tt.err)
			}
		})
	}
}

// A line (TSV) or record (CSV) longer than 16 MB is an error at its line;
// CSV has no other way to grow a value.
func TestReader_lineLimit(t *testing.T) {
	long := strings.Repeat("x", 16<<20+1)
	for _, tt := range []struct{ name, text string }{
		{"TSV", "sku\tcategory\nCD-1\tMusic\nCD-2\t" + long + "\nCD-3\tMusic\n"},
		{"CSV", "sku,category\nCD-1,Music\nCD-2,\"" + long + "\"\nCD-3,Music\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readCategories(t, "f", []byte(tt.text), nil)
			if err == nil || err.Error() != "f:3: line longer than 16 MB" {
				t.Errorf("error %v, want f:3: line longer than 16 MB", err)
			}
		})
	}
}

func TestLookupCharset(t *testing.T) {
	tests := []struct{ name, want, err string }{
		{"windows-1252", "windows-1252", ""},
		{"CP1252", "windows-1252", ""},
		{"latin1", "windows-1252", ""},
		{"Shift_JIS", "shift_jis", ""},
		{"cp932", "shift_jis", ""},
		{"ms932", "shift_jis", ""},
		{"utf-16le", "utf-16le", ""},
		{"ISO-8859-15", "iso-8859-15", ""},
		{"ibm437", "ibm437", ""},
		{"utf-8", "", ""},
		{"klingon", "", `unknown encoding "klingon" (want e.g. windows-1252, shift_jis, iso-8859-15, utf-16le)`},
	}
	for _, tt := range tests {
		cs, err := flatfile.LookupCharset(tt.name)
		got := ""
		if cs != nil {
			got = cs.Name
		}
		if got != tt.want || (err == nil) != (tt.err == "") || err != nil && err.Error() != tt.err {
			t.Errorf("LookupCharset(%q) = %q, %v; want %q, %q", tt.name, got, err, tt.want, tt.err)
		}
	}
}
