package spapi_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/spapi/spapifake"
)

func TestClient_ReportLifecycle(t *testing.T) {
	doc := []byte(`{"performanceMetrics":[{"marketplaceId":"ATVPDKIKX0DER","validTrackingRate":{"reportingDateRange":` +
		`{"reportingDateFrom":"2019-10-15T00:00Z","reportingDateTo":"2019-11-14T23:59Z"},"shipmentCount":58,"validTrackingCount":54,` +
		`"status":"POOR","rate":0.931,"targetValue":0.95,"targetCondition":"GREATER_THAN"}}]}`)
	tests := []struct {
		name       string
		plan       []string
		gzip       bool
		wantStatus string
		wantErr    error
	}{
		{"done, plain", []string{"IN_QUEUE", "IN_PROGRESS", "DONE"}, false, "DONE", nil},
		{"done, gzip", []string{"IN_QUEUE", "DONE"}, true, "DONE", nil},
		{"cancelled is no data", []string{"IN_PROGRESS", "CANCELLED"}, false, "CANCELLED", nil},
		{"fatal", []string{"IN_QUEUE", "FATAL"}, false, "FATAL", nil},
		{"stuck for 24 h", []string{"IN_QUEUE"}, false, "", spapi.ErrReportStuck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, clk := setup(t)
			f.ReportPlan(tt.plan...)
			f.GzipDocuments(tt.gzip)
			f.SetPerformanceReport(doc)
			id, err := c.CreateReport(t.Context(), spapi.CreateReportSpec{ReportType: spapi.SellerPerformanceReport, MarketplaceIDs: []string{"ATVPDKIKX0DER"}})
			if err != nil {
				t.Fatal(err)
			}
			start := clk.Now()
			r, err := c.WaitReport(t.Context(), id, start, nil)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if waited := clk.Now().Sub(start); waited < 24*time.Hour || waited > 25*time.Hour {
					t.Errorf("gave up after %v, want 24 h", waited)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.ProcessingStatus != tt.wantStatus {
				t.Fatalf("status %s, want %s", r.ProcessingStatus, tt.wantStatus)
			}
			if polls := f.Calls("getReport"); polls != len(tt.plan) {
				t.Errorf("%d polls, want %d", polls, len(tt.plan))
			}
			if r.ProcessingStatus != spapi.ReportDone {
				return
			}
			b, err := c.FetchDocument(t.Context(), r.ReportDocumentID)
			if err != nil {
				t.Fatal(err)
			}
			p, err := spapi.ParsePerformanceReport(b)
			if err != nil {
				t.Fatal(err)
			}
			if v := p.ValidTracking("ATVPDKIKX0DER"); v == nil || v.ValidTrackingCount != 54 || v.ShipmentCount != 58 {
				t.Errorf("validTrackingRate = %+v", v)
			}
		})
	}
}

// A presigned URL lapses after five minutes; a download after that asks
// for a fresh URL once.
func TestClient_ExpiredDocumentURL(t *testing.T) {
	f, c, clk := setup(t)
	f.ReportPlan("DONE")
	f.SetPerformanceReport([]byte(`{"performanceMetrics":[]}`))
	id, err := c.CreateReport(t.Context(), spapi.CreateReportSpec{ReportType: spapi.SellerPerformanceReport, MarketplaceIDs: []string{"ATVPDKIKX0DER"}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.WaitReport(t.Context(), id, time.Time{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := c.GetReportDocument(t.Context(), r.ReportDocumentID)
	if err != nil {
		t.Fatal(err)
	}
	clk.Sleep(t.Context(), 6*time.Minute)
	var de *spapi.DocumentError
	if _, err := c.Download(t.Context(), doc); !errors.As(err, &de) || de.Status != 403 {
		t.Fatalf("download of a 6-minute-old URL: %v, want 403", err)
	}
	if _, err := c.FetchDocument(t.Context(), r.ReportDocumentID); err != nil {
		t.Fatalf("FetchDocument: %v", err)
	}
}

// A presigned URL lapses after five minutes. A download S3 refuses for it
// asks getReportDocument for a fresh URL, once: that URL is downloaded. A
// second refusal is one clear error: what S3 said, and no URL, signature
// or S3 request id.
func TestClient_FetchDocumentLapsedURL(t *testing.T) {
	tests := []struct {
		name    string
		lapsed  int    // getReportDocument answers whose URL has expired
		wantErr string // "" = the document is read
	}{
		{"first URL lapsed: a fresh one is downloaded", 1, ""},
		{"both URLs lapsed: a clear error", 2, "download report document amzn1.spdoc.1.4.na.50001: HTTP 403 AccessDenied: Request has expired (refused again with a fresh URL)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, _ := setup(t)
			f.ReportPlan("DONE")
			f.GzipDocuments(true)
			f.SetPerformanceReport(spapifake.PerformanceDoc("ATVPDKIKX0DER", "2019-10-15T00:00Z", "2019-11-14T23:59Z", 54, 58, 0.931, "POOR"))
			id, err := c.CreateReport(t.Context(), spapi.CreateReportSpec{ReportType: spapi.SellerPerformanceReport, MarketplaceIDs: []string{"ATVPDKIKX0DER"}})
			if err != nil {
				t.Fatal(err)
			}
			r, err := c.WaitReport(t.Context(), id, time.Time{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			f.LapseDocumentURLs(tt.lapsed)
			b, err := c.FetchDocument(t.Context(), r.ReportDocumentID)
			if n := f.Calls("getReportDocument"); n != 2 {
				t.Errorf("getReportDocument called %d times, want 2 (the first URL, one fresh one)", n)
			}
			if tt.wantErr != "" {
				var de *spapi.DocumentError
				if err == nil || err.Error() != tt.wantErr || !errors.As(err, &de) || de.Status != 403 {
					t.Fatalf("err = %v, want %q (a *DocumentError)", err, tt.wantErr)
				}
				for _, leak := range []string{"X-Amz", "Signature", "/s3/", f.URL, "RequestId", "HostId"} {
					if strings.Contains(err.Error(), leak) {
						t.Errorf("the error shows %q: %v", leak, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p, err := spapi.ParsePerformanceReport(b)
			if err != nil {
				t.Fatal(err)
			}
			if v := p.ValidTracking("ATVPDKIKX0DER"); v == nil || v.ValidTrackingCount != 54 || v.ShipmentCount != 58 {
				t.Errorf("validTrackingRate = %+v", v)
			}
		})
	}
}
