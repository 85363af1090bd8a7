package store

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// First verdicts. A seller's first day imports a year of orders and then
// their shipments: a million packages, every one of a known order. Written
// with the verdict of an unknown order and then reclassified, each package
// was written twice, and the second write (an UPDATE of every package, its
// secondary index entries moved) cost more than the import itself: 26 s of
// 35 on PostgreSQL for 100,000 orders (docs/benchmarks.md, issue 18). So a
// shipments import classifies a batch of packages before writing it: the
// packages of the batch's orders already stored are read (as reclassify
// would), and
//   - a new package is written once, with its verdict (its order, items,
//     categories and evidence, as reclassify computes it) and counted in
//     package_tallies by the import (reclassify counts only the verdicts it
//     changes, and finds nothing to change in it);
//   - a stored package the file changes (mergePackage, the rule of the
//     upsert) has its order reclassified after the upsert, as before;
//   - a stored package the file leaves as it is needs nothing: re-importing
//     a file reads each package once and writes nothing.
// The verdict of a package depends on its order, items, categories,
// evidence and the rules, never on its sibling packages (vtr.Classify), so
// classifying before the write gives what reclassifying after it would.

// lookupIDs is how many order ids one look-up of firstVerdicts names: a
// batch's worth, so that a batch costs PostgreSQL one round trip per table
// (500 a query, as reclassify reads, made 22 round trips a batch).
const lookupIDs = shipmentBatch

// firstVerdicts sets the verdict columns of args (packageArgs of pkgs, one
// package each, of distinct keys) for the new packages of known orders,
// counts their verdicts into delta, and returns the orders whose stored
// packages the batch changes: reclassify them after the write. noneStored
// says that no package of pkgs can be stored (a bulk load into a table
// that was empty, whose earlier batches hold other keys): the look-up of
// stored packages is skipped. It planned as a scan of the growing table
// (its statistics say empty), once a batch.
func (s *Store) firstVerdicts(ctx context.Context, tx sqlx.QueryerContext, pkgs []vtr.Package, args []any, delta tallyDelta, noneStored bool) ([]string, error) {
	ids := distinctOrderIDs(pkgs)
	stored := map[pkgKey]*vtr.Package{}
	var rows []packageRow
	for _, chunk := range chunks(ids, lookupIDs) {
		if noneStored {
			break
		}
		var err error
		if rows, err = s.packagesOf(ctx, tx, chunk, rows[:0]); err != nil {
			return nil, err
		}
		for i := range rows {
			p := rows[i].pkg()
			stored[pkgKey{rows[i].OrderID, rows[i].TrackingNumber}] = &p
		}
	}
	// Orders are read for new packages only: re-importing a file reads
	// none.
	need := ids[:0]
	for i := range pkgs {
		p := &pkgs[i]
		if stored[pkgKey{p.OrderID, p.TrackingNumber}] == nil && (len(need) == 0 || need[len(need)-1] != p.OrderID) {
			need = append(need, p.OrderID)
		}
	}
	orders := map[string]*vtr.Order{}
	var fresh []packageRow // new packages of known orders: their evidence is read
	for _, chunk := range chunks(need, lookupIDs) {
		got, err := s.loadOrders(ctx, tx, chunk)
		if err != nil {
			return nil, err
		}
		for id, o := range got {
			orders[id] = o
		}
	}
	var reclass []string
	for i := range pkgs {
		p := &pkgs[i]
		k := pkgKey{p.OrderID, p.TrackingNumber}
		if old := stored[k]; old != nil {
			merged := *old
			mergePackage(&merged, p)
			if !storedSame(&merged, old) && (len(reclass) == 0 || reclass[len(reclass)-1] != p.OrderID) {
				reclass = append(reclass, p.OrderID)
			}
			continue
		}
		if orders[p.OrderID] != nil {
			fresh = append(fresh, packageRow{OrderID: p.OrderID, TrackingNumber: p.TrackingNumber})
		}
	}
	if len(fresh) == 0 {
		return reclass, nil
	}
	ev := map[pkgKey]vtr.Evidence{}
	for start := 0; start < len(fresh); {
		// The evidence of the fresh packages of up to lookupIDs orders.
		end, n := start, 0
		for end < len(fresh) && (n < lookupIDs || fresh[end].OrderID == fresh[end-1].OrderID) {
			if end == start || fresh[end].OrderID != fresh[end-1].OrderID {
				n++
			}
			end++
		}
		part := fresh[start:end]
		got, err := s.loadEvidence(ctx, tx, distinctRowOrders(part), part)
		if err != nil {
			return nil, err
		}
		for k, e := range got {
			ev[k] = e
		}
		start = end
	}
	for i := range pkgs {
		p := &pkgs[i]
		k := pkgKey{p.OrderID, p.TrackingNumber}
		o := orders[p.OrderID]
		if o == nil || stored[k] != nil {
			continue
		}
		v := vtr.Classify(o, p, ev[k], s.rules)
		setVerdictArgs(args[i*packageNcol:(i+1)*packageNcol], v)
		delta.move(vtr.Verdict{}, v)
	}
	return reclass, nil
}

// storedSame says whether two packages have the same stored columns (as
// samePackage of a sync, and first_confirmed_at too).
func storedSame(a, b *vtr.Package) bool {
	return samePackage(*a, *b) && fmtTime(a.FirstConfirmedAt) == fmtTime(b.FirstConfirmedAt)
}

// distinctOrderIDs lists the orders of packages, each once, in the order
// they first come.
func distinctOrderIDs(pkgs []vtr.Package) []string {
	seen := map[string]bool{}
	var ids []string
	for i := range pkgs {
		if id := pkgs[i].OrderID; !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

func distinctRowOrders(rows []packageRow) []string {
	var ids []string
	for _, r := range rows {
		if len(ids) == 0 || ids[len(ids)-1] != r.OrderID {
			ids = append(ids, r.OrderID)
		}
	}
	return ids
}
