package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"status", "status", 0},
		{"", "abc", 3},
		{"stauts", "status", 1}, // one swap
		{"statu", "status", 1},  // one missing
		{"statsu", "status", 1},
		{"sttaus", "status", 1},
		{"untraked", "untracked", 1},
		{"fro", "from", 1},
		{"frm", "from", 1},
		{"kitten", "sitting", 3},
		{"ca", "abc", 3}, // OSA, not full Damerau (which says 2)
		{"härte", "harte", 1},
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := Distance(tc.b, tc.a); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	cmds := []string{"run", "demo", "shell", "import", "parse", "vtr", "metrics", "explain", "tracking", "sync", "mailbox"}
	for _, tc := range []struct {
		word string
		want string
	}{
		{"stauts", ""}, // not a bot command
		{"imprt", "import"},
		{"IMPORT", "import"},
		{"explian", "explain"},
		{"metric", "metrics"},
		{"vrt", "vtr"},
		{"snyc", "sync"},
		{"x", ""}, // too short to guess
		{"", ""},  // nothing typed
		{"shelll", "shell"},
		{"database", ""}, // too far from everything
	} {
		if got := Closest(tc.word, cmds); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
	if got := Closest("fro", []string{"from", "to", "as-of", "days"}); got != "from" {
		t.Errorf("Closest(fro) = %q, want from", got)
	}
}
