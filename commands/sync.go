package commands

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// Sync pacing (docs/amazon.md "Sync").
const (
	// syncOverlap is how far before the watermark a pass starts again:
	// an order Amazon updated just before the last pass's end may show
	// up late; an order seen twice changes nothing.
	syncOverlap = 5 * time.Minute
	// syncLag keeps a pass's lastUpdatedBefore behind the clock: Amazon
	// wants it at least two minutes before the request.
	syncLag = 3 * time.Minute
	// tokenLife is how long Amazon keeps a nextToken.
	tokenLife = 24 * time.Hour
	// reportEvery is how often Amazon's seller-performance report is asked
	// for, per marketplace.
	reportEvery = 24 * time.Hour
)

// Syncer is the use case behind `bot sync` and the daemon's poller: for
// each marketplace, the orders and packages Amazon updated since the last
// pass, a page per transaction, then Amazon's own Valid Tracking Rate from
// the seller-performance report, at most once a day.
type Syncer struct {
	Store *store.Store
	// Clients holds the API client of each marketplace code to sync (one
	// client per region endpoint, shared by its marketplaces).
	Clients map[string]*spapi.Client
	Markets []string // marketplace codes, in the order they are synced
	Since   int      // first pass's look-back in days (SPAPI_SINCE)
	Now     func() time.Time
	Logger  *slog.Logger
	// Progress, when set, is told after each page and each report poll.
	Progress func(SyncProgress)
	// Zone gives a marketplace's time zone; spapi.Zone (vtr.MarketplaceZone)
	// when nil.
	Zone func(code string) (*time.Location, error)
}

// SyncOptions adjust one run.
type SyncOptions struct {
	SinceDays   int  // > 0: look back this many days whatever the watermark (--since)
	ForceReport bool // ask for a report even if one was asked within a day (--report)
	NoReport    bool // orders only
}

// SyncProgress is where a run stands.
type SyncProgress struct {
	Marketplace string
	Phase       string // "orders" or "report"
	Pages       int    // this pass so far (resumed passes count their earlier pages)
	Orders      int
	// Fraction of the pass's time span covered (by the latest update time
	// seen), and the estimated time left at the pace so far; 0 when unknown.
	Fraction float64
	Left     time.Duration
	// PageEvery is how often Amazon lets a page through now that the
	// burst is spent (its rate limit for searchOrders); 0 when unknown.
	PageEvery time.Duration
	Report    string // the report's processing status
}

// MarketSync is what a run did for one marketplace.
type MarketSync struct {
	Marketplace string
	store.SyncSummary
	Pages   int
	Skipped int // orders Amazon sent that could not be read (logged)
	Resumed bool
	Report  ReportSync
}

// ReportSync is what became of the seller-performance report.
type ReportSync struct {
	ReportID string
	Status   string         // DONE, CANCELLED, FATAL, STUCK; "" when none was waited for
	Note     string         // why no report was asked for, or what came of it
	Amazon   *vtr.AmazonVTR // the figure kept, when the report had one
}

// ErrReportFailed is wrapped by the error of a report Amazon could not
// produce (FATAL) or that stayed unfinished for 24 hours.
var ErrReportFailed = errors.New("report failed")

// Run syncs every marketplace. Rejected credentials stop it at once
// (spapi.Rejected tells them); another error stops that marketplace only,
// and the errors are returned together after the others ran.
func (s *Syncer) Run(ctx context.Context, opts SyncOptions) ([]MarketSync, error) {
	var out []MarketSync
	var errs []error
	for _, m := range s.Markets {
		res, err := s.market(ctx, m, opts)
		out = append(out, res)
		if err != nil {
			if spapi.Rejected(err) || ctx.Err() != nil {
				return out, err
			}
			errs = append(errs, fmt.Errorf("%s: %w", m, err))
		}
	}
	return out, errors.Join(errs...)
}

func (s *Syncer) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (s *Syncer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Syncer) progress(p SyncProgress) {
	if s.Progress != nil {
		s.Progress(p)
	}
}

func (s *Syncer) market(ctx context.Context, code string, opts SyncOptions) (MarketSync, error) {
	res := MarketSync{Marketplace: code}
	id, ok := spapi.MarketplaceID(code)
	if !ok {
		return res, vtr.Errorf(vtr.EINVALID, "SPAPI_MARKETPLACES: Amazon has no marketplace %q", code)
	}
	zone := s.Zone
	if zone == nil {
		zone = spapi.Zone
	}
	loc, err := zone(code)
	if err != nil {
		return res, err
	}
	c := s.Clients[code]
	if c == nil {
		return res, fmt.Errorf("no API client for %s", code)
	}
	if err := s.orders(ctx, c, code, id, loc, opts, &res); err != nil {
		return res, err
	}
	if opts.NoReport {
		return res, nil
	}
	return res, s.report(ctx, c, code, id, opts, &res)
}

// orders runs (or resumes) a pass over the orders of one marketplace.
func (s *Syncer) orders(ctx context.Context, c *spapi.Client, code, id string, loc *time.Location, opts SyncOptions, res *MarketSync) error {
	st, err := s.Store.SyncState(ctx, code)
	if err != nil {
		return err
	}
	now := s.now()
	if !st.InProgress() || opts.SinceDays > 0 {
		after := now.AddDate(0, 0, -s.Since)
		switch {
		case opts.SinceDays > 0:
			after = now.AddDate(0, 0, -opts.SinceDays)
		case !st.Watermark.IsZero():
			after = st.Watermark.Add(-syncOverlap)
		}
		st = store.SyncState{Marketplace: code, Watermark: st.Watermark, RunAfter: after.UTC().Truncate(time.Second),
			RunBefore: now.Add(-syncLag).UTC().Truncate(time.Second)}
		if err := s.Store.StartSync(ctx, code, st.RunAfter, st.RunBefore); err != nil {
			return err
		}
	} else {
		res.Resumed = true
		if st.NextToken != "" && now.Sub(st.TokenAt) >= tokenLife {
			// Amazon no longer knows the token: the pass starts over
			// (what it wrote stays; writing it again changes nothing).
			s.logger().Warn("sync: resuming token expired, pass starts over", "marketplace", code)
			if err := s.Store.StartSync(ctx, code, st.RunAfter, st.RunBefore); err != nil {
				return err
			}
			st.NextToken, st.Pages, st.Orders = "", 0, 0
		}
	}
	baseline, based := 0.0, now
	if res.Resumed && st.Pages > 0 {
		baseline = -1
	}
	pages, orders := st.Pages, st.Orders
	token := st.NextToken
	restarted := false
	for {
		resp, err := c.SearchOrders(ctx, spapi.SearchOrdersQuery{
			LastUpdatedAfter: st.RunAfter, LastUpdatedBefore: st.RunBefore, MarketplaceIDs: []string{id},
			FulfilledBy: []string{"MERCHANT"}, MaxResultsPerPage: 100, PaginationToken: token})
		var ae *spapi.Error
		if token != "" && !restarted && errors.As(err, &ae) && ae.Status == 400 {
			// A token Amazon refuses (expired early): start the pass over once.
			s.logger().Warn("sync: page token refused, pass starts over", "marketplace", code, "error", err)
			if err := s.Store.StartSync(ctx, code, st.RunAfter, st.RunBefore); err != nil {
				return err
			}
			token, restarted, pages, orders = "", true, 0, 0
			continue
		}
		if err != nil {
			return err
		}
		page := store.SyncPage{Marketplace: code, NextToken: resp.NextToken(), TokenAt: s.now()}
		var latest time.Time
		for i := range resp.Orders {
			o, pkgs, err := spapi.MapOrder(&resp.Orders[i], loc)
			if err != nil {
				// Hostile or odd input costs one order, not the pass.
				s.logger().Warn("sync: order skipped", "marketplace", code, "error", err)
				res.Skipped++
				continue
			}
			page.Orders = append(page.Orders, o)
			page.Packages = append(page.Packages, pkgs...)
			if t, err := spapi.ParseTime(resp.Orders[i].LastUpdatedTime); err == nil && t.After(latest) {
				latest = t
			}
		}
		sum, err := s.Store.WriteSyncPage(ctx, page)
		if err != nil {
			return err
		}
		res.SyncSummary.Add(sum)
		res.Pages++
		pages++
		orders += len(resp.Orders)
		p := SyncProgress{Marketplace: code, Phase: "orders", Pages: pages, Orders: orders}
		if span := st.RunBefore.Sub(st.RunAfter); span > 0 && !latest.IsZero() {
			// Amazon gives no total: the share of the pass's span that the
			// latest update seen covers stands for the share done.
			p.Fraction = min(1, max(0, float64(latest.Sub(st.RunAfter))/float64(span)))
			if resp.NextToken() == "" {
				p.Fraction = 1
			}
			if baseline < 0 { // a resumed pass: measure from its first page here
				baseline, based = p.Fraction, s.now()
			} else if p.Fraction > baseline {
				pace := float64(s.now().Sub(based)) / (p.Fraction - baseline)
				p.Left = time.Duration(pace * (1 - p.Fraction))
				// And never less than the rate limit allows for the pages left.
				left := float64(pages) / p.Fraction * (1 - p.Fraction)
				if r := c.Rate("searchOrders"); r > 0 {
					p.Left = max(p.Left, time.Duration(left/r*float64(time.Second)))
				}
			}
		}
		if r := c.Rate("searchOrders"); r > 0 {
			p.PageEvery = time.Duration(float64(time.Second) / r)
		}
		s.progress(p)
		if resp.NextToken() == "" {
			return nil
		}
		token = resp.NextToken()
	}
}

// report asks Amazon for its seller-performance report (at most once a day
// per marketplace unless forced), waits for it and keeps its figure.
func (s *Syncer) report(ctx context.Context, c *spapi.Client, code, id string, opts SyncOptions, res *MarketSync) error {
	const typ = spapi.SellerPerformanceReport
	now := s.now()
	last, err := s.Store.LastReportRequest(ctx, code, typ)
	if err != nil && vtr.ErrorCode(err) != vtr.ENOTFOUND {
		return err
	}
	have := err == nil
	var reportID string
	var requested time.Time
	switch {
	case have && !last.Finished():
		reportID, requested = last.ReportID, last.Requested() // asked before a restart: wait for it
	case have && !opts.ForceReport && now.Sub(last.Requested()) < reportEvery:
		res.Report.Note = fmt.Sprintf("asked for at %s; vtrbot asks once a day (--report forces one)", last.RequestedAt)
		return nil
	default:
		if !opts.ForceReport {
			// A report asked for by a run that died before recording it.
			reportID, requested, err = s.findReport(ctx, c, code, id, now)
			if err != nil {
				return err
			}
		}
		if reportID == "" {
			if reportID, err = c.CreateReport(ctx, spapi.CreateReportSpec{ReportType: typ, MarketplaceIDs: []string{id}}); err != nil {
				return err
			}
			requested = now
		}
		if err := s.Store.AddReportRequest(ctx, code, typ, reportID, requested); err != nil {
			return err
		}
	}
	res.Report.ReportID = reportID
	r, err := c.WaitReport(ctx, reportID, requested, func(r *spapi.Report) {
		s.progress(SyncProgress{Marketplace: code, Phase: "report", Report: r.ProcessingStatus})
	})
	if errors.Is(err, spapi.ErrReportStuck) {
		res.Report.Status = store.ReportStuck
		if ferr := s.Store.FinishReport(ctx, reportID, store.ReportStuck, err.Error(), nil); ferr != nil {
			return ferr
		}
		return fmt.Errorf("Amazon's report %s: %w: %w", reportID, ErrReportFailed, err)
	}
	if err != nil {
		return err
	}
	res.Report.Status = r.ProcessingStatus
	switch r.ProcessingStatus {
	case spapi.ReportCancelled:
		res.Report.Note = "Amazon cancelled it: no data"
		return s.Store.FinishReport(ctx, reportID, r.ProcessingStatus, "", nil)
	case spapi.ReportFatal:
		if err := s.Store.FinishReport(ctx, reportID, r.ProcessingStatus, "Amazon could not produce the report", nil); err != nil {
			return err
		}
		return fmt.Errorf("Amazon's report %s ended FATAL: %w", reportID, ErrReportFailed)
	}
	doc, err := c.FetchDocument(ctx, r.ReportDocumentID)
	if err != nil {
		return err
	}
	pr, err := spapi.ParsePerformanceReport(doc)
	if err != nil {
		s.Store.FinishReport(ctx, reportID, store.ReportStuck, err.Error(), nil)
		return fmt.Errorf("Amazon's report %s: %w: %w", reportID, ErrReportFailed, err)
	}
	var snap *vtr.AmazonVTR
	if v := pr.ValidTracking(id); v != nil {
		snap = &vtr.AmazonVTR{Marketplace: code, Rate: v.Rate, Valid: v.ValidTrackingCount, Eligible: v.ShipmentCount,
			Status: v.Status, FetchedAt: s.now(), ReportID: reportID}
		// The date parts as Amazon writes them, no zone conversion.
		snap.From, _ = vtr.ParseDate(v.ReportingDateRange.From)
		snap.To, _ = vtr.ParseDate(v.ReportingDateRange.To)
		res.Report.Amazon = snap
	} else {
		res.Report.Note = "the report has no Valid Tracking Rate for " + code
	}
	return s.Store.FinishReport(ctx, reportID, r.ProcessingStatus, "", snap)
}

// findReport looks for a seller-performance report of the last day that
// the store does not know of (asked for by a run that stopped before it
// recorded it), so that it is waited for instead of asked for again.
func (s *Syncer) findReport(ctx context.Context, c *spapi.Client, code, id string, now time.Time) (string, time.Time, error) {
	list, err := c.GetReports(ctx, spapi.GetReportsQuery{ReportTypes: []string{spapi.SellerPerformanceReport},
		MarketplaceIDs: []string{id}, ProcessingStatuses: []string{spapi.ReportInQueue, spapi.ReportInProgress, spapi.ReportDone},
		CreatedSince: now.Add(-reportEvery)})
	if err != nil {
		return "", time.Time{}, err
	}
	last, err := s.Store.LastReportRequest(ctx, code, spapi.SellerPerformanceReport)
	for _, r := range list.Reports {
		if err == nil && r.ReportID == last.ReportID {
			continue
		}
		t, perr := spapi.ParseTime(r.CreatedTime)
		if perr != nil {
			continue
		}
		if err == nil && !t.After(last.Requested()) {
			continue // older than the last one recorded: already handled
		}
		return r.ReportID, t, nil
	}
	return "", time.Time{}, nil
}

// SyncAlertKey is the outbox key of the alert that Amazon refused the
// credentials: stable per refresh token (a hash, never the token), so the
// alert is posted once however often the bot restarts, and again for a
// new token that is refused in turn.
func SyncAlertKey(refreshToken string) string {
	h := sha256.Sum256([]byte(refreshToken))
	return "alert:spapi-rejected:" + hex.EncodeToString(h[:6])
}

// QueueSyncAlert queues the one Slack alert that syncing stopped because
// Amazon refused the credentials.
func QueueSyncAlert(ctx context.Context, st *store.Store, channel, key string, cause error) error {
	r := Reply{Text: "vtrbot stopped syncing from Amazon: the credentials were refused"}
	r.Blocks = append(r.Blocks, Block{Kind: BlockHeader, Text: "⛔ Amazon sync stopped"},
		Block{Kind: BlockSection, Text: "Amazon refused vtrbot's credentials (" + Escape(rejectionCode(cause)) + "), so orders and " +
			"Amazon's own VTR are no longer synced. Authorise the app again in Seller Central (Apps and Services → Develop Apps → " +
			"Authorize) and put the new refresh token in `SPAPI_REFRESH_TOKEN`; if the client secret was rotated (every 180 days), " +
			"update `SPAPI_CLIENT_SECRET`. Then restart the bot."})
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return st.Enqueue(ctx, store.OutboxEntry{ID: key, Kind: "alert", Channel: channel, Payload: string(b)})
}

func rejectionCode(err error) string {
	var ae *spapi.AuthError
	if errors.As(err, &ae) && ae.Code != "" {
		return ae.Code
	}
	return "refused"
}
