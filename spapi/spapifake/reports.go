package spapifake

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/vtrbot/vtrbot/spapi"
)

type report struct {
	spapi.Report
	created time.Time
	walk    []string // statuses still to go; the last one stays
	content []byte
}

// ReportPlan sets the statuses each report created from now on walks
// through, one per getReport (default IN_QUEUE, IN_PROGRESS, DONE); the
// last one stays. A plan ending in IN_QUEUE never finishes.
func (s *Server) ReportPlan(statuses ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.plan = slices.Clone(statuses)
}

// SetPerformanceReport sets the document a seller-performance report
// delivers (JSON of accountHealthReport-2020-11-18).
func (s *Server) SetPerformanceReport(doc []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.perf[""] = doc
}

// GzipDocuments makes documents GZIP-compressed.
func (s *Server) GzipDocuments(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gzip = on
}

// LapseDocumentURLs makes the next n getReportDocument answers give a
// presigned URL that has already expired, as when a client waits longer
// than five minutes before it downloads.
func (s *Server) LapseDocumentURLs(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lapsedURLs = n
}

// Reports returns the reports created, by id.
func (s *Server) Reports() map[string]spapi.Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]spapi.Report{}
	for id, r := range s.reports {
		out[id] = r.Report
	}
	return out
}

// PerformanceDoc builds a seller-performance document with one
// marketplace's Valid Tracking Rate.
func PerformanceDoc(marketplaceID, from, to string, valid, shipments int, rate float64, status string) []byte {
	b, _ := json.Marshal(map[string]any{
		"accountStatuses": []map[string]string{{"marketplaceId": marketplaceID, "status": "NORMAL"}},
		"performanceMetrics": []map[string]any{{
			"marketplaceId": marketplaceID,
			"validTrackingRate": map[string]any{
				"reportingDateRange": map[string]string{"reportingDateFrom": from, "reportingDateTo": to},
				"shipmentCount":      shipments, "validTrackingCount": valid, "status": status, "rate": rate,
				"targetValue": 0.95, "targetCondition": "GREATER_THAN",
			},
		}},
	})
	return b
}

func (s *Server) createReport(r *http.Request) (int, any) {
	var spec spapi.CreateReportSpec
	if err := json.NewDecoder(r.Body).Decode(&spec); err != nil || spec.ReportType == "" || len(spec.MarketplaceIDs) == 0 {
		return badInput("reportType and marketplaceIds are required")
	}
	s.reportSeq++
	id := strconv.Itoa(50000 + s.reportSeq)
	rep := &report{created: s.Now(), walk: slices.Clone(s.plan)}
	rep.Report = spapi.Report{ReportID: id, ReportType: spec.ReportType, MarketplaceIDs: spec.MarketplaceIDs,
		CreatedTime: rep.created.UTC().Format(time.RFC3339), ProcessingStatus: spapi.ReportInQueue}
	if spec.ReportType == spapi.SellerPerformanceReport {
		rep.content = s.perf[""]
	}
	if rep.content == nil {
		rep.content = []byte("{}")
	}
	s.reports[id] = rep
	return http.StatusAccepted, map[string]string{"reportId": id}
}

func (s *Server) getReport(r *http.Request) (int, any) {
	rep := s.reports[r.PathValue("reportId")]
	if rep == nil {
		return http.StatusNotFound, errList("NotFound", "Report not found", "")
	}
	if len(rep.walk) > 0 {
		rep.ProcessingStatus = rep.walk[0]
		if len(rep.walk) > 1 {
			rep.walk = rep.walk[1:]
		}
	}
	if rep.ProcessingStatus == spapi.ReportDone {
		rep.ReportDocumentID = "amzn1.spdoc.1.4.na." + rep.ReportID
	}
	return http.StatusOK, rep.Report
}

func (s *Server) cancelReport(r *http.Request) (int, any) {
	rep := s.reports[r.PathValue("reportId")]
	if rep == nil {
		return http.StatusNotFound, errList("NotFound", "Report not found", "")
	}
	rep.ProcessingStatus, rep.walk = spapi.ReportCancelled, nil
	return http.StatusOK, nil
}

func (s *Server) getReports(r *http.Request) (int, any) {
	q := r.URL.Query()
	types, statuses, markets := splitList(q.Get("reportTypes")), splitList(q.Get("processingStatuses")), splitList(q.Get("marketplaceIds"))
	if len(types) == 0 && q.Get("nextToken") == "" {
		return badInput("reportTypes or nextToken is required")
	}
	var since time.Time
	if v := q.Get("createdSince"); v != "" {
		var err error
		if since, err = time.Parse(time.RFC3339, v); err != nil {
			return badInput("createdSince is not ISO 8601")
		}
	}
	out := spapi.GetReportsResponse{Reports: []spapi.Report{}}
	for _, rep := range s.reports {
		if !contains(types, rep.ReportType) || (len(statuses) > 0 && !contains(statuses, rep.ProcessingStatus)) ||
			rep.created.Before(since) {
			continue
		}
		if len(markets) > 0 && !slices.ContainsFunc(rep.MarketplaceIDs, func(m string) bool { return contains(markets, m) }) {
			continue
		}
		out.Reports = append(out.Reports, rep.Report)
	}
	slices.SortFunc(out.Reports, func(a, b spapi.Report) int { return -compareCreated(a, b) })
	return http.StatusOK, out
}

func compareCreated(a, b spapi.Report) int {
	if a.CreatedTime != b.CreatedTime {
		if a.CreatedTime < b.CreatedTime {
			return -1
		}
		return 1
	}
	return len(a.ReportID) - len(b.ReportID)
}

func (s *Server) getReportDocument(r *http.Request) (int, any) {
	id := r.PathValue("reportDocumentId")
	for _, rep := range s.reports {
		if rep.ReportDocumentID == id {
			expires := s.Now().Add(s.DocumentTTL)
			if s.lapsedURLs > 0 {
				s.lapsedURLs--
				expires = s.Now().Add(-time.Second)
			}
			doc := spapi.ReportDocument{ReportDocumentID: id,
				URL: s.URL + "/s3/" + id + "?X-Amz-Expires=" + strconv.FormatInt(expires.Unix(), 10) + "&X-Amz-Signature=" + randomHex(16)}
			if s.gzip {
				doc.CompressionAlgorithm = "GZIP"
			}
			return http.StatusOK, doc
		}
	}
	return http.StatusNotFound, errList("NotFound", "Report document not found", "")
}

// download serves a presigned document URL: no SP-API headers are needed,
// and an expired URL is refused as S3 refuses it.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Header.Get("x-amz-access-token") != "" {
		http.Error(w, "<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>", http.StatusBadRequest)
		return
	}
	exp, err := strconv.ParseInt(r.URL.Query().Get("X-Amz-Expires"), 10, 64)
	if err != nil || !s.Now().Before(time.Unix(exp, 0)) {
		// S3's answer, with the fields it adds after the message.
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Error><Code>AccessDenied</Code><Message>Request has expired</Message>`+
			`<X-Amz-Expires>300</X-Amz-Expires><Expires>%s</Expires><ServerTime>%s</ServerTime><RequestId>%s</RequestId><HostId>%s</HostId></Error>`,
			time.Unix(exp, 0).UTC().Format(time.RFC3339), s.Now().UTC().Format(time.RFC3339), randomHex(8), randomHex(32))
		return
	}
	id := r.PathValue("documentId")
	for _, rep := range s.reports {
		if rep.ReportDocumentID != id {
			continue
		}
		body := rep.content
		if s.gzip {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			zw.Write(body)
			zw.Close()
			body = b.Bytes()
		}
		w.Write(body)
		return
	}
	http.NotFound(w, r)
}
