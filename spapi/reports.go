package spapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Report processing statuses.
const (
	ReportInQueue    = "IN_QUEUE"
	ReportInProgress = "IN_PROGRESS"
	ReportDone       = "DONE"
	ReportCancelled  = "CANCELLED" // no data: not an error
	ReportFatal      = "FATAL"
)

// SellerPerformanceReport is the report type that carries Amazon's own
// Valid Tracking Rate. It can only be requested, not scheduled.
const SellerPerformanceReport = "GET_V2_SELLER_PERFORMANCE_REPORT"

// ReportMaxAge is how long a report may stay IN_QUEUE or IN_PROGRESS
// before vtrbot gives up on it.
const ReportMaxAge = 24 * time.Hour

// Report is a report's state (getReport, getReports).
type Report struct {
	ReportID         string   `json:"reportId"`
	ReportType       string   `json:"reportType"`
	MarketplaceIDs   []string `json:"marketplaceIds,omitempty"`
	CreatedTime      string   `json:"createdTime"`
	ProcessingStatus string   `json:"processingStatus"`
	DataStartTime    string   `json:"dataStartTime,omitempty"`
	DataEndTime      string   `json:"dataEndTime,omitempty"`
	ReportDocumentID string   `json:"reportDocumentId,omitempty"`
}

// Done reports whether processing has ended (DONE, CANCELLED or FATAL).
func (r *Report) Done() bool {
	switch r.ProcessingStatus {
	case ReportDone, ReportCancelled, ReportFatal:
		return true
	}
	return false
}

// CreateReportSpec asks for a report.
type CreateReportSpec struct {
	ReportType     string   `json:"reportType"`
	MarketplaceIDs []string `json:"marketplaceIds"`
	DataStartTime  string   `json:"dataStartTime,omitempty"`
	DataEndTime    string   `json:"dataEndTime,omitempty"`
}

// CreateReport requests a report and returns its id.
func (c *Client) CreateReport(ctx context.Context, spec CreateReportSpec) (string, error) {
	var out struct {
		ReportID string `json:"reportId"`
	}
	if err := c.do(ctx, opCreateReport, http.MethodPost, "/reports/2021-06-30/reports", nil, spec, &out); err != nil {
		return "", err
	}
	if out.ReportID == "" {
		return "", errors.New("createReport: the answer has no reportId")
	}
	return out.ReportID, nil
}

// GetReport returns a report's state.
func (c *Client) GetReport(ctx context.Context, reportID string) (*Report, error) {
	var out Report
	if err := c.do(ctx, opGetReport, http.MethodGet, "/reports/2021-06-30/reports/"+url.PathEscape(reportID), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetReportsQuery lists reports.
type GetReportsQuery struct {
	ReportTypes        []string
	ProcessingStatuses []string
	MarketplaceIDs     []string
	PageSize           int
	CreatedSince       time.Time
	NextToken          string // alone: Amazon wants no other parameter with it
}

// GetReportsResponse is one page of getReports.
type GetReportsResponse struct {
	Reports   []Report `json:"reports"`
	NextToken string   `json:"nextToken,omitempty"`
}

// GetReports lists reports, for instance to find one asked for before a
// restart.
func (c *Client) GetReports(ctx context.Context, q GetReportsQuery) (*GetReportsResponse, error) {
	v := url.Values{}
	if q.NextToken != "" {
		v.Set("nextToken", q.NextToken)
	} else {
		if len(q.ReportTypes) > 0 {
			v.Set("reportTypes", strings.Join(q.ReportTypes, ","))
		}
		if len(q.ProcessingStatuses) > 0 {
			v.Set("processingStatuses", strings.Join(q.ProcessingStatuses, ","))
		}
		if len(q.MarketplaceIDs) > 0 {
			v.Set("marketplaceIds", strings.Join(q.MarketplaceIDs, ","))
		}
		if q.PageSize > 0 {
			v.Set("pageSize", strconv.Itoa(q.PageSize))
		}
		if !q.CreatedSince.IsZero() {
			v.Set("createdSince", q.CreatedSince.UTC().Format(time.RFC3339))
		}
	}
	var out GetReportsResponse
	if err := c.do(ctx, opGetReports, http.MethodGet, "/reports/2021-06-30/reports", v, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ReportDocument says where a report's content is: a presigned URL valid
// for five minutes, and how it is compressed.
type ReportDocument struct {
	ReportDocumentID     string `json:"reportDocumentId"`
	URL                  string `json:"url"`
	CompressionAlgorithm string `json:"compressionAlgorithm,omitempty"` // GZIP or none
}

// GetReportDocument returns where a report document is.
func (c *Client) GetReportDocument(ctx context.Context, documentID string) (*ReportDocument, error) {
	var out ReportDocument
	if err := c.do(ctx, opGetReportDocument, http.MethodGet, "/reports/2021-06-30/documents/"+url.PathEscape(documentID), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// maxDocument bounds a downloaded report (after decompression).
const maxDocument = 256 << 20

// Download fetches a report document's content from its presigned URL
// (without SP-API headers: the URL carries its own signature) and
// decompresses it. A URL older than five minutes is refused by its host:
// ask GetReportDocument again.
func (c *Client) Download(ctx context.Context, doc *ReportDocument) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, doc.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("download report document: %w", err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		// The URL's query is its signature: keep it out of the error.
		return nil, fmt.Errorf("download report document %s: %w", doc.ReportDocumentID, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, &DocumentError{DocumentID: doc.ReportDocumentID, Status: resp.StatusCode, Body: storageReason(b)}
	}
	var r io.Reader = resp.Body
	if strings.EqualFold(doc.CompressionAlgorithm, "GZIP") {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("report document %s: gzip: %w", doc.ReportDocumentID, err)
		}
		defer zr.Close()
		r = zr
	}
	b, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("report document %s: %w", doc.ReportDocumentID, err)
	}
	if len(b) > maxDocument {
		return nil, fmt.Errorf("report document %s: larger than %d MB", doc.ReportDocumentID, maxDocument>>20)
	}
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), nil
}

// DocumentError is a refused document download (an expired URL answers 403).
type DocumentError struct {
	DocumentID string
	Status     int
	Body       string
}

func (e *DocumentError) Error() string {
	return fmt.Sprintf("download report document %s: HTTP %d %s", e.DocumentID, e.Status, e.Body)
}

// storageReason is what a refused download's body says: S3's error code
// and message ("AccessDenied: Request has expired") when it is S3's XML,
// without the fields S3 adds after them (request ids, and for a bad
// signature the string it signed and the signature it was given), else
// the body's start.
func storageReason(body []byte) string {
	var e struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	if xml.Unmarshal(body, &e) == nil && e.Code != "" {
		return shorten(e.Code+": "+e.Message, 200)
	}
	return shorten(string(body), 200)
}

// FetchDocument gets a report document's URL and downloads it; when the
// download is refused (the five-minute URL lapsed while waiting for the
// rate limiter), it asks for a fresh URL once.
func (c *Client) FetchDocument(ctx context.Context, documentID string) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		doc, err := c.GetReportDocument(ctx, documentID)
		if err != nil {
			return nil, err
		}
		b, err := c.Download(ctx, doc)
		var de *DocumentError
		if errors.As(err, &de) && (de.Status == http.StatusForbidden || de.Status == http.StatusBadRequest) {
			if attempt == 0 {
				continue
			}
			return nil, fmt.Errorf("%w (refused again with a fresh URL)", err)
		}
		return b, err
	}
}

// Poll backoff for a report: Amazon takes seconds to hours.
const (
	pollFirst = 15 * time.Second
	pollMax   = 5 * time.Minute
)

// ErrReportStuck is returned by WaitReport for a report not done 24 hours
// after it was created.
var ErrReportStuck = errors.New("report still not done 24 hours after it was requested")

// WaitReport polls a report with backoff (15 s doubling to 5 min, with
// jitter) until it is DONE, CANCELLED or FATAL, and returns it. A report
// still queued or in progress ReportMaxAge after requested (or its
// createdTime) is ErrReportStuck; each poll is told through progress
// (may be nil).
func (c *Client) WaitReport(ctx context.Context, reportID string, requested time.Time, progress func(r *Report)) (*Report, error) {
	wait := pollFirst
	for {
		r, err := c.GetReport(ctx, reportID)
		if err != nil {
			return nil, err
		}
		if progress != nil {
			progress(r)
		}
		if r.Done() {
			return r, nil
		}
		if t, err := ParseTime(r.CreatedTime); err == nil && (requested.IsZero() || t.Before(requested)) {
			requested = t
		}
		if !requested.IsZero() && c.now().Sub(requested) >= ReportMaxAge {
			return r, fmt.Errorf("report %s (%s): %w", reportID, r.ProcessingStatus, ErrReportStuck)
		}
		j := rand.Float64
		if c.Jitter != nil {
			j = c.Jitter
		}
		d := wait/2 + time.Duration(j()*float64(wait/2))
		if err := c.sleep(ctx, d); err != nil {
			return nil, err
		}
		wait = min(wait*2, pollMax)
	}
}
