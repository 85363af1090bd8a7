package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// ReportStuck is the status of a report vtrbot gave up on after 24 hours.
const ReportStuck = "STUCK"

// ReportRequest is a report asked of Amazon.
type ReportRequest struct {
	ReportID    string `db:"report_id"`
	Marketplace string `db:"marketplace"`
	ReportType  string `db:"report_type"`
	RequestedAt string `db:"requested_at"`
	Status      string `db:"status"` // Amazon's processingStatus, or STUCK
	FinishedAt  string `db:"finished_at"`
	Error       string `db:"error"`
}

// Requested returns when the report was asked for.
func (r ReportRequest) Requested() time.Time { return parseTime(r.RequestedAt) }

// Finished reports whether nothing more is to be done for the report.
func (r ReportRequest) Finished() bool {
	switch r.Status {
	case "DONE", "CANCELLED", "FATAL", ReportStuck:
		return true
	}
	return false
}

// AddReportRequest records a report just asked for (before waiting for
// it, so a restart waits for it instead of asking again).
func (s *Store) AddReportRequest(ctx context.Context, market, reportType, reportID string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO spapi_reports (account, report_id, marketplace, report_type, requested_at, status)
		VALUES (?, ?, ?, ?, ?, 'IN_QUEUE') ON CONFLICT (account, report_id) DO NOTHING`), s.account, reportID, market, reportType, fmtTime(at))
	if err != nil {
		return fmt.Errorf("record report %s: %w", reportID, err)
	}
	return nil
}

// LastReportRequest returns the latest report of a type asked for a
// marketplace. ENOTFOUND when none was.
func (s *Store) LastReportRequest(ctx context.Context, market, reportType string) (ReportRequest, error) {
	var r ReportRequest
	err := s.db.GetContext(ctx, &r, s.q(`SELECT report_id, marketplace, report_type, requested_at, status, finished_at, error
		FROM spapi_reports WHERE account = ? AND marketplace = ? AND report_type = ? ORDER BY requested_at DESC, report_id DESC LIMIT 1`),
		s.account, market, reportType)
	if err != nil {
		return r, notFound(err, "no %s report was requested for %s", reportType, market)
	}
	return r, nil
}

// FinishReport records how a report ended; snap, when not nil, is
// Amazon's figure it gave, kept in the same transaction.
func (s *Store) FinishReport(ctx context.Context, reportID, status, errText string, snap *vtr.AmazonVTR) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE spapi_reports SET status = ?, finished_at = ?, error = ? WHERE account = ? AND report_id = ?`),
			status, fmtTime(s.Now()), errText, s.account, reportID); err != nil {
			return fmt.Errorf("finish report %s: %w", reportID, err)
		}
		if snap == nil {
			return nil
		}
		var rate sql.NullFloat64
		if snap.Rate != nil {
			rate = sql.NullFloat64{Float64: *snap.Rate, Valid: true}
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO amazon_vtr (account, marketplace, report_id, fetched_at, date_from, date_to, rate, valid, eligible, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, marketplace, report_id) DO NOTHING`),
			s.account, snap.Marketplace, reportID, fmtTime(snap.FetchedAt), dateString(snap.From), dateString(snap.To), rate,
			snap.Valid, snap.Eligible, snap.Status)
		if err != nil {
			return fmt.Errorf("keep Amazon's figure: %w", err)
		}
		return nil
	})
}

// AmazonVTR returns the latest figure Amazon gave for a marketplace.
// ENOTFOUND when none was synced.
func (s *Store) AmazonVTR(ctx context.Context, market string) (*vtr.AmazonVTR, error) {
	return s.amazonVTR(ctx, s.db, market)
}

func (s *Store) amazonVTR(ctx context.Context, q sqlx.QueryerContext, market string) (*vtr.AmazonVTR, error) {
	var r struct {
		ReportID  string          `db:"report_id"`
		FetchedAt string          `db:"fetched_at"`
		From      string          `db:"date_from"`
		To        string          `db:"date_to"`
		Rate      sql.NullFloat64 `db:"rate"`
		Valid     int             `db:"valid"`
		Eligible  int             `db:"eligible"`
		Status    string          `db:"status"`
	}
	err := sqlx.GetContext(ctx, q, &r, s.q(`SELECT report_id, fetched_at, date_from, date_to, rate, valid, eligible, status
		FROM amazon_vtr WHERE account = ? AND marketplace = ? ORDER BY fetched_at DESC, report_id DESC LIMIT 1`), s.account, market)
	if err != nil {
		return nil, notFound(err, "no figure from Amazon for %s yet (bot sync)", market)
	}
	a := &vtr.AmazonVTR{Marketplace: market, ReportID: r.ReportID, FetchedAt: parseTime(r.FetchedAt), From: parseDate(r.From),
		To: parseDate(r.To), Valid: r.Valid, Eligible: r.Eligible, Status: r.Status}
	if r.Rate.Valid {
		v := r.Rate.Float64
		a.Rate = &v
	}
	return a, nil
}

// AmazonVTRCount returns how many of Amazon's figures are kept for a marketplace.
func (s *Store) AmazonVTRCount(ctx context.Context, market string) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, s.q(`SELECT count(*) FROM amazon_vtr WHERE account = ? AND marketplace = ?`), s.account, market)
	if err != nil {
		return n, fmt.Errorf("count Amazon's rates of %s: %w", market, err)
	}
	return n, nil
}
