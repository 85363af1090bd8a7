package store

import (
	"bufio"
	"bytes"
	"cmp"
	"container/heap"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// SQLite bulk loads. A million-row shipments file goes into the packages
// table and its b-trees: the primary key (account, order_id,
// tracking_number) and the secondary indexes (packages_window,
// packages_tracking, ...), which hold the rows of every account. Inserted
// in file order, every row seeks the primary key at a random place, missing
// the page cache nearly every time: with SQLite's default 2 MB cache the
// import took four minutes where the sqlite3 shell's .import of the same
// file into a plain table takes a few seconds (docs/benchmarks.md). So:
//   - importShipmentsBatch reads the whole file first, merging the rows of
//     each package and sorting the packages by primary key in Go
//     (shipmentSorter, below: bounded memory, sorted runs in temporary
//     files), then inserts in key order: every insert lands next to the
//     one before in the primary key (at the right edge of the account's
//     keys) and at the end of the table, which stay in the cache;
//   - sqliteBulkTx runs the import's transaction on one connection with a
//     bigger page cache, put back when the transaction ends so that a
//     long-running bot does not keep it;
//   - when a file brings many new packages next to the table's size (the
//     rows of every account: the indexes hold them all), the table's
//     secondary indexes are dropped and built again at the end
//     (CREATE INDEX sorts once, several times faster than a million index
//     inserts in their random order). The statements come from
//     sqlite_master, so the indexes come back exactly as the migrations
//     made them; a failed import rolls the DROP back too.

// bulkCacheKiB is the page cache while rows are inserted, appendCacheKiB
// once the secondary indexes are dropped, and indexCacheKiB while they
// are built again (CREATE INDEX sorts in memory up to the cache size, then
// merges sorted runs from temporary files). Measured on a million-row file
// in file order (docs/benchmarks.md): 2 MB (SQLite's default) 30 s, 24 MB
// 24 s, 40 MB 20 s, 64 MB 23 s with a 345 MB peak when the index sorts
// used it too. In key order with the indexes dropped, rows only go to the
// right edges of the table and the primary key: 8 MB was as fast as 40 MB
// and peaked at 71 MB instead of 130 MB. A bigger index cache made no
// index faster.
const (
	bulkCacheKiB   = 40 << 10
	orderCacheKiB  = 8 << 10
	appendCacheKiB = 8 << 10
	indexCacheKiB  = 4 << 10
)

// bulkMinRows is when a file counts as big: this many new packages, and at
// least a quarter of the table's rows before the import, every account's
// (a Store's own, which tests change).
const bulkMinRows = 50_000

// sqliteBulk is SQLite's part of one import transaction (bulkLoad).
type sqliteBulk struct {
	s       *Store
	tx      *sqlx.Tx
	table   string
	minRows int      // bulkMinRows of the store
	indexes []string // CREATE INDEX statements of the dropped indexes
	dropped bool     // expect dropped them
}

func (d sqliteDialect) importShipments(ctx context.Context, next func() (*vtr.Package, error)) (ImportSummary, error) {
	return d.s.importShipmentsBatch(ctx, next)
}

// importTx runs the import in sqliteBulkTx: big files drop and build
// again the table's secondary indexes.
func (d sqliteDialect) importTx(ctx context.Context, table string, load func(tx *sqlx.Tx, b bulkLoad) error) error {
	return d.s.sqliteBulkTx(ctx, table, func(tx *sqlx.Tx, b *sqliteBulk) error { return load(tx, b) })
}

// sqliteUpsertRows is how many packages one SQLite statement writes. A
// statement of several rows inside a transaction first copies every page
// it changes that existed before it to a statement journal (so that it can
// fail alone). In file order, a 2000-row statement touched ~2000 scattered
// pages and the journal cost more than the inserts (docs/benchmarks.md);
// in key order a few rows share each page, and 32 rows a statement saved a
// third of the statement overhead of one row a statement (and more rows
// saved little more).
const sqliteUpsertRows = 32

// upsertPackages writes sqliteUpsertRows packages a statement, and the
// rest one by one (prepared statements all).
func (d sqliteDialect) upsertPackages(ctx context.Context, args []any, _ int, up *batchStmts) error {
	// The driver watches a cancellable context with a goroutine per
	// statement: importShipmentsBatch checks ctx between batches.
	ctx = context.WithoutCancel(ctx)
	const m = sqliteUpsertRows * packageNcol
	i := 0
	var err error
	for ; i+m <= len(args) && err == nil; i += m {
		err = up.exec(ctx, "packages", true, func() string { return d.s.upsertSQL(sqliteUpsertRows) }, args[i:i+m])
	}
	for ; i < len(args) && err == nil; i += packageNcol {
		err = up.exec(ctx, "package", true, func() string { return d.s.upsertSQL(1) }, args[i:i+packageNcol])
	}
	return err
}

// firstOrders stages the file (sqliteorders.go).
func (b *sqliteBulk) firstOrders(ctx context.Context, next func() (*vtr.Order, error), sum *ImportSummary) ([]string, error) {
	return b.s.importOrdersStaged(ctx, b.tx, b, next, sum)
}

// newOrders drops the indexes of orders and order_items once the new
// orders are many next to the table (expect's rule).
func (b *sqliteBulk) newOrders(ctx context.Context, fresh, before int) error {
	if b.dropped || fresh < b.minRows {
		return nil
	}
	if err := b.expect(ctx, fresh, before); err != nil {
		return err
	}
	return b.also(ctx, "order_items", fresh)
}

// newPackages estimates from the sample how many of a big file's
// packages are new, and drops the indexes of packages when they are many
// next to the table (expect's rule).
func (b *sqliteBulk) newPackages(ctx context.Context, rows int, sample []pkgKey, before int) error {
	if rows < b.minRows {
		return nil
	}
	share, err := b.newShare(ctx, sample)
	if err != nil {
		return err
	}
	return b.expect(ctx, int(share*float64(rows)), before)
}

// verdictReader is a second connection: the import's transaction holds
// the write lock, so it reads what the transaction began with.
func (b *sqliteBulk) verdictReader(ctx context.Context) (sqlx.QueryerContext, bool, func(), error) {
	rc, err := b.s.db.Connx(ctx)
	if err != nil {
		return nil, false, nil, fmt.Errorf("connect: %w", err)
	}
	return rc, true, func() { rc.Close() }, nil
}

// finish builds the dropped indexes again.
func (b *sqliteBulk) finish(ctx context.Context, _ int, _ string) error { return b.buildIndexes(ctx) }

// also drops the secondary indexes of another table of the same import
// (order_items beside orders), with expect's rule, and keeps the bigger
// page cache: an orders import still writes its primary keys in the order
// of each batch, not at their right edge.
func (b *sqliteBulk) also(ctx context.Context, table string, newRows int) error {
	if !b.dropped {
		return nil
	}
	o := &sqliteBulk{s: b.s, tx: b.tx, table: table, minRows: b.minRows}
	if err := o.expect(ctx, newRows, 0); err != nil {
		return err
	}
	b.indexes = append(b.indexes, o.indexes...)
	if _, err := b.tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, orderCacheKiB)); err != nil {
		return fmt.Errorf("set cache size: %w", err)
	}
	return nil
}

// sqliteBulkTx runs fn in a transaction on a connection prepared for a
// bulk load into table, committing when fn returns nil.
func (s *Store) sqliteBulkTx(ctx context.Context, table string, fn func(tx *sqlx.Tx, b *sqliteBulk) error) error {
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	var cache int
	if err := conn.GetContext(ctx, &cache, `PRAGMA cache_size`); err != nil {
		return fmt.Errorf("read cache size: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, bulkCacheKiB)); err != nil {
		return fmt.Errorf("set cache size: %w", err)
	}
	// Put the connection back as it was, whatever happens (the pool keeps it).
	defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, cache))

	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx, &sqliteBulk{s: s, tx: tx, table: table, minRows: s.bulkMinRows}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// expect is called before rows go in, with the table's rows and an
// estimate of the new ones: when the file is big next to the table, the
// table's secondary indexes are dropped. The table's rows are every
// account's, not only the importing one's: the indexes hold them all and
// building them again sorts them all, so an account's first import into a
// table other accounts fill keeps them. (Re-importing a big file changes
// no indexed column: its indexes stay.)
func (b *sqliteBulk) expect(ctx context.Context, newRows, before int) error {
	if newRows < b.minRows || newRows*4 < before {
		return nil
	}
	var idx []struct {
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	// sql IS NULL for the automatic index of the primary key, which stays.
	if err := b.tx.SelectContext(ctx, &idx, `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`, b.table); err != nil {
		return fmt.Errorf("list indexes: %w", err)
	}
	for _, ix := range idx {
		if _, err := b.tx.ExecContext(ctx, `DROP INDEX "`+ix.Name+`"`); err != nil {
			return fmt.Errorf("drop index %s: %w", ix.Name, err)
		}
		b.indexes = append(b.indexes, ix.SQL)
	}
	b.dropped = true
	if _, err := b.tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, appendCacheKiB)); err != nil {
		return fmt.Errorf("set cache size: %w", err)
	}
	return nil
}

// buildIndexes builds the dropped indexes again.
func (b *sqliteBulk) buildIndexes(ctx context.Context) error {
	if len(b.indexes) > 0 {
		if _, err := b.tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, indexCacheKiB)); err != nil {
			return fmt.Errorf("set cache size: %w", err)
		}
	}
	for _, q := range b.indexes {
		if _, err := b.tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create index: %w", err)
		}
	}
	b.indexes = nil
	return nil
}

// newShare estimates which share of a file's packages are new to the
// account from a sample of their keys.
func (b *sqliteBulk) newShare(ctx context.Context, sample []pkgKey) (float64, error) {
	if len(sample) == 0 {
		return 1, nil
	}
	st, err := b.tx.PreparexContext(ctx, `SELECT EXISTS (SELECT 1 FROM packages WHERE account = ? AND order_id = ? AND tracking_number = ?)`)
	if err != nil {
		return 0, fmt.Errorf("sample packages: %w", err)
	}
	defer st.Close()
	fresh := 0
	for _, k := range sample {
		var found bool
		if err := st.GetContext(ctx, &found, b.s.account, k.order, k.tracking); err != nil {
			return 0, fmt.Errorf("sample packages: %w", err)
		}
		if !found {
			fresh++
		}
	}
	return float64(fresh) / float64(len(sample)), nil
}

// Sorting a shipments file by package. Inserting a million packages in
// file order seeks the primary key's b-tree at random keys, missing the
// page cache nearly every time; in key order every insert goes to the
// right edge of the b-tree, which stays in the cache. shipmentSorter reads
// the rows of a file into an arena of encoded rows; when the arena is
// full it is sorted by (order, tracking number), the rows of each package
// are merged (mergePackage, in file order) and the result is appended to a
// temporary file as a sorted run, by a goroutine while the rows go on into
// a second arena. sorted() then merges the runs (or sorts the arena alone,
// for a file that fits). Memory stays about two arenas whatever the file's
// size.

// sortChunkBytes is each arena of shipmentSorter: about 85,000 encoded
// rows (about 95 bytes a row in the benchmark's file). The arenas make most of
// the live Go heap while the file is read, and the GC lets the heap grow
// to twice that: one 32 MB arena peaked at 175 MB on the million-row file,
// one of 16 MB at 122 MB, two of 8 MB at 128 MB (72 MB with the smaller
// page cache of appendCacheKiB). The runs go to os.TempDir (SQLite's own
// temporary files go there too): less than the file's size.
const sortChunkBytes = 8 << 20

type recSpan struct {
	off, n uint32 // the record is arena[off : off+n]
	pfx    uint64 // the first 8 bytes of the order id, big-endian: most comparisons end here
}

// sortChunk is an arena of encoded rows.
type sortChunk struct {
	arena []byte
	recs  []recSpan
}

func (c *sortChunk) rec(s recSpan) []byte { return c.arena[s.off : s.off+s.n] }

// sort orders the records by key, and rows of one key in file order.
func (c *sortChunk) sort() {
	slices.SortFunc(c.recs, func(a, b recSpan) int {
		if a.pfx != b.pfx {
			return cmp.Compare(a.pfx, b.pfx)
		}
		if c := compareKeys(c.rec(a), c.rec(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.off, b.off)
	})
}

type shipmentSorter struct {
	// sample is every stride-th row's key (at most 2*sampleMax keys):
	// enough to estimate how many packages a file adds.
	sample []pkgKey
	stride int
	rows   int

	chunk      int
	cur, spare *sortChunk
	spilling   chan error // the result of the running spill, if any

	// The spill's own: the main goroutine reads them only after wait.
	file *os.File  // the sorted runs, one after the other
	size int64     // of file
	runs []runSpan // where each run is in file
	done *sortChunk
	buf  []byte
	p, q vtr.Package
}

type runSpan struct{ off, n int64 }

func newShipmentSorter(chunk int) *shipmentSorter {
	return &shipmentSorter{chunk: chunk, stride: 1}
}

const sampleMax = 1000

// keyPrefix is the first 8 bytes of the order id, zero-padded: comparing
// prefixes orders as comparing the ids would, or ties.
func keyPrefix(order string) uint64 {
	var b [8]byte
	copy(b[:], order)
	return binary.BigEndian.Uint64(b[:])
}

// add appends a row.
func (t *shipmentSorter) add(p *vtr.Package) error {
	if t.rows%t.stride == 0 {
		if len(t.sample) == 2*sampleMax {
			for i := range sampleMax {
				t.sample[i] = t.sample[2*i]
			}
			t.sample, t.stride = t.sample[:sampleMax], 2*t.stride
		}
		if t.rows%t.stride == 0 {
			t.sample = append(t.sample, pkgKey{p.OrderID, p.TrackingNumber})
		}
	}
	t.rows++
	c := t.cur
	if c == nil {
		// Allocated once at its full size: growing by doubling would
		// leave a copy of twice the size behind for the GC.
		c = &sortChunk{arena: make([]byte, 0, t.chunk+t.chunk/8)}
		t.cur = c
	}
	off := len(c.arena)
	c.arena = appendPackage(c.arena, p)
	c.recs = append(c.recs, recSpan{uint32(off), uint32(len(c.arena) - off), keyPrefix(p.OrderID)})
	if len(c.arena) < t.chunk {
		return nil
	}
	if err := t.wait(); err != nil {
		return err
	}
	t.cur, t.spare = t.spare, nil
	ch := make(chan error, 1)
	t.spilling = ch
	go func() { ch <- t.spill(c) }()
	return nil
}

// wait waits for the running spill, if any.
func (t *shipmentSorter) wait() error {
	if t.spilling == nil {
		return nil
	}
	err := <-t.spilling
	t.spilling = nil
	t.spare, t.done = t.done, nil
	return err
}

// spill writes a chunk as a sorted run, one record per package, and
// empties it.
func (t *shipmentSorter) spill(c *sortChunk) error {
	defer func() {
		c.arena, c.recs = c.arena[:0], c.recs[:0]
		t.done = c
	}()
	if len(c.recs) == 0 {
		return nil
	}
	c.sort()
	if t.file == nil {
		f, err := os.CreateTemp("", "vtrbot-shipments-*")
		if err != nil {
			return fmt.Errorf("sort shipments: %w", err)
		}
		t.file = f
	}
	cw := &countWriter{w: t.file}
	w := bufio.NewWriterSize(cw, 256<<10)
	var n [binary.MaxVarintLen64]byte
	for i := 0; i < len(c.recs); {
		rec, j := t.mergeChunk(c, i)
		i = j
		w.Write(n[:binary.PutUvarint(n[:], uint64(len(rec)))])
		w.Write(rec)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("sort shipments: %w", err)
	}
	t.runs = append(t.runs, runSpan{t.size, cw.n})
	t.size += cw.n
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// mergeChunk returns the record of the package at sorted position i of c,
// its rows merged, and the position after them.
func (t *shipmentSorter) mergeChunk(c *sortChunk, i int) ([]byte, int) {
	first := c.rec(c.recs[i])
	j := i + 1
	for j < len(c.recs) && compareKeys(first, c.rec(c.recs[j])) == 0 {
		j++
	}
	if j == i+1 {
		return first, j
	}
	decodePackage(first, &t.p)
	for k := i + 1; k < j; k++ {
		decodePackage(c.rec(c.recs[k]), &t.q)
		mergePackage(&t.p, &t.q)
	}
	t.buf = appendPackage(t.buf[:0], &t.p)
	return t.buf, j
}

// close removes the runs.
func (t *shipmentSorter) close() {
	t.wait()
	if t.file != nil {
		t.file.Close()
		os.Remove(t.file.Name())
		t.file = nil
	}
}

// sortedShipments yields the packages of a file in key order.
type sortedShipments struct {
	t *shipmentSorter
	i int     // next record of the arena (no runs)
	h runHeap // runs, by their current record
	q vtr.Package
}

// sorted ends the reading: the packages come next.
func (t *shipmentSorter) sorted() (*sortedShipments, error) {
	if err := t.wait(); err != nil {
		return nil, err
	}
	if t.cur == nil {
		t.cur = &sortChunk{}
	}
	it := &sortedShipments{t: t}
	t.spare = nil
	if len(t.runs) == 0 {
		t.cur.sort()
		return it, nil
	}
	if err := t.spill(t.cur); err != nil {
		return nil, err
	}
	t.cur, t.done = &sortChunk{}, nil // the runs have it all
	// Read buffers take about an arena's worth of memory in all.
	bufSize := min(max(t.chunk/len(t.runs), 16<<10), 256<<10)
	for i, sp := range t.runs {
		r := &run{idx: i, r: bufio.NewReaderSize(io.NewSectionReader(t.file, sp.off, sp.n), bufSize)}
		ok, err := r.advance()
		if err != nil {
			return nil, err
		}
		if ok {
			it.h = append(it.h, r)
		}
	}
	heap.Init(&it.h)
	return it, nil
}

// next sets p to the next package, every row of it merged; false at the end.
func (it *sortedShipments) next(p *vtr.Package) (bool, error) {
	t := it.t
	if len(t.runs) == 0 {
		c := t.cur
		if it.i == len(c.recs) {
			return false, nil
		}
		first := c.rec(c.recs[it.i])
		decodePackage(first, p)
		for it.i++; it.i < len(c.recs) && compareKeys(first, c.rec(c.recs[it.i])) == 0; it.i++ {
			decodePackage(c.rec(c.recs[it.i]), &it.q)
			mergePackage(p, &it.q)
		}
		return true, nil
	}
	if len(it.h) == 0 {
		return false, nil
	}
	// Each run holds a package once; of equal keys, the heap pops the
	// earlier run (earlier rows of the file) first.
	top := it.h[0]
	decodePackage(top.rec, p)
	for {
		ok, err := top.advance()
		if err != nil {
			return false, err
		}
		if ok {
			heap.Fix(&it.h, 0)
		} else {
			heap.Pop(&it.h)
		}
		if len(it.h) == 0 {
			return true, nil
		}
		top = it.h[0]
		if !keyIs(top.rec, p) {
			return true, nil
		}
		decodePackage(top.rec, &it.q)
		mergePackage(p, &it.q)
	}
}

// run reads a sorted run.
type run struct {
	idx int
	r   *bufio.Reader
	rec []byte
}

func (r *run) advance() (bool, error) {
	n, err := binary.ReadUvarint(r.r)
	if err == io.EOF {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("sort shipments: %w", err)
	}
	if cap(r.rec) < int(n) {
		r.rec = make([]byte, n, max(int(n), 2*cap(r.rec)))
	}
	r.rec = r.rec[:n]
	if _, err := io.ReadFull(r.r, r.rec); err != nil {
		return false, fmt.Errorf("sort shipments: %w", err)
	}
	return true, nil
}

type runHeap []*run

func (h runHeap) Len() int { return len(h) }
func (h runHeap) Less(i, j int) bool {
	if c := compareKeys(h[i].rec, h[j].rec); c != 0 {
		return c < 0
	}
	return h[i].idx < h[j].idx
}
func (h runHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)   { *h = append(*h, x.(*run)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// A row's record: order id, tracking number, carrier code, carrier name and
// ship method (uvarint length, bytes), ship date (varint year, month, day),
// then confirmed-at, delivered-at, first-scan-at and first confirmed-at (0
// for none, or 1, varint Unix seconds, uvarint nanoseconds). The key comes
// first.

func appendPackage(b []byte, p *vtr.Package) []byte {
	for _, s := range []string{p.OrderID, p.TrackingNumber, p.CarrierCode, p.CarrierName, p.ShipMethod} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, int64(p.ShipDate.Year))
	b = append(b, byte(p.ShipDate.Month), byte(p.ShipDate.Day))
	for _, t := range []time.Time{p.ConfirmedAt, p.DeliveredAt, p.FirstScanAt, p.FirstConfirmedAt} {
		if t.IsZero() {
			b = append(b, 0)
			continue
		}
		b = append(b, 1)
		b = binary.AppendVarint(b, t.Unix())
		b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	}
	return b
}

// decodePackage sets p from a record. Its strings share one allocation.
func decodePackage(rec []byte, p *vtr.Package) {
	s := string(rec)
	i := 0
	str := func() string {
		n, k := binary.Uvarint(rec[i:])
		i += k
		v := s[i : i+int(n)]
		i += int(n)
		return v
	}
	p.OrderID, p.TrackingNumber, p.CarrierCode, p.CarrierName, p.ShipMethod = str(), str(), str(), str(), str()
	y, k := binary.Varint(rec[i:])
	i += k
	p.ShipDate = vtr.Date{Year: int(y), Month: time.Month(rec[i]), Day: int(rec[i+1])}
	i += 2
	for _, t := range []*time.Time{&p.ConfirmedAt, &p.DeliveredAt, &p.FirstScanAt, &p.FirstConfirmedAt} {
		if rec[i] == 0 {
			*t = time.Time{}
			i++
			continue
		}
		i++
		sec, k := binary.Varint(rec[i:])
		i += k
		ns, k := binary.Uvarint(rec[i:])
		i += k
		*t = time.Unix(sec, int64(ns)).UTC()
	}
}

// recKey returns the order id and tracking number of a record.
func recKey(rec []byte) (order, tracking []byte) {
	n, k := binary.Uvarint(rec)
	order, rec = rec[k:k+int(n)], rec[k+int(n):]
	n, k = binary.Uvarint(rec)
	return order, rec[k : k+int(n)]
}

// compareKeys orders records as SQLite orders the primary key (bytes).
func compareKeys(a, b []byte) int {
	ao, at := recKey(a)
	bo, bt := recKey(b)
	if c := bytes.Compare(ao, bo); c != 0 {
		return c
	}
	return bytes.Compare(at, bt)
}

func keyIs(rec []byte, p *vtr.Package) bool {
	o, t := recKey(rec)
	return string(o) == p.OrderID && string(t) == p.TrackingNumber
}
