package notice

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vtrbot/vtrbot/vtr"
)

// checkCanonical fails unless n.Canonical() is n as its JSON reads back:
// what the pipeline goes on with once a notice is stored (docs/architecture.md).
func checkCanonical(t *testing.T, n *vtr.Notice) {
	t.Helper()
	got, err := n.Canonical()
	b, merr := json.Marshal(n)
	if merr != nil {
		if err == nil {
			t.Fatalf("Canonical() succeeded, but the notice does not marshal: %v", merr)
		}
		return
	}
	var want vtr.Notice
	if uerr := json.Unmarshal(b, &want); (uerr != nil) != (err != nil) {
		t.Fatalf("Canonical() error = %v, JSON round trip error = %v", err, uerr)
	} else if uerr != nil {
		return
	}
	if !reflect.DeepEqual(got, &want) {
		t.Fatalf("Canonical() is not the JSON round trip (-round trip +Canonical):\n%s", cmp.Diff(&want, got))
	}
}

// TestParse_canonical: every fixture's notice, with and without trusted
// forwards, is its Canonical form once stored.
func TestParse_canonical(t *testing.T) {
	trust := Options{Trust: Trust{Forwarders: []string{"@traxtar.example"}, Mailbox: "orders@traxtar.example"}}
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			checkCanonical(t, ParseBytes(f.raw))
			checkCanonical(t, trust.ParseBytes(f.raw))
		})
	}
}
