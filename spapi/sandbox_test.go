package spapi_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/spapi/spapifake"
)

// models is where Amazon's models are kept, beside the checkout (never
// copied into the project).
const models = "../../shared/spapi"

// notCalled are operations of the models vtrbot never calls: their
// examples need no decoding.
var notCalled = map[string]bool{"getReportSchedules": true, "createReportSchedule": true,
	"cancelReportSchedule": true, "getReportSchedule": true}

// TestSandbox_Decode replays every 2xx example of Amazon's models through
// the stand-in and decodes it with the client, and checks what the
// decoded value says against the example's JSON.
func TestSandbox_Decode(t *testing.T) {
	decoded := 0
	for _, model := range []string{"orders_2026-01-01.json", "reports_2021-06-30.json"} {
		examples, err := spapifake.LoadSandbox(filepath.Join(models, model))
		if err != nil {
			t.Fatal(err)
		}
		f, c, _ := setup(t)
		f.Sandbox(examples)
		for i, ex := range examples {
			if ex.Status < 200 || ex.Status > 299 || notCalled[ex.Op] {
				continue
			}
			t.Run(fmt.Sprintf("%s/%d", ex.Op, i), func(t *testing.T) {
				var want map[string]any
				if len(ex.Response) > 0 {
					json.Unmarshal(ex.Response, &want)
				}
				got, err := call(t, c, ex)
				if err != nil {
					t.Fatalf("%s: %v", ex.Op, err)
				}
				if got != fmt.Sprint(firstID(want)) {
					t.Errorf("%s decoded %q, want %q", ex.Op, got, fmt.Sprint(firstID(want)))
				}
				decoded++
			})
		}
	}
	if decoded < 10 {
		t.Errorf("decoded %d examples, want every 2xx example of the six operations (at least 10)", decoded)
	}
}

// call makes the client call an example describes and returns the first
// id of its answer.
func call(t *testing.T, c *spapi.Client, ex spapifake.Example) (string, error) {
	str := func(name string) string { s, _ := ex.Params[name].(string); return s }
	list := func(name string) []string {
		var out []string
		for _, v := range asList(ex.Params[name]) {
			out = append(out, fmt.Sprint(v))
		}
		return out
	}
	ts := func(name string) time.Time {
		if s := str(name); s != "" {
			tt, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatalf("%s %s: %v", ex.Op, name, err)
			}
			return tt
		}
		return time.Time{}
	}
	ctx := t.Context()
	switch ex.Op {
	case "searchOrders":
		r, err := c.SearchOrders(ctx, spapi.SearchOrdersQuery{CreatedAfter: ts("createdAfter"), MarketplaceIDs: list("marketplaceIds"),
			IncludedData: list("includedData"), PaginationToken: str("paginationToken")})
		if err != nil {
			return "", err
		}
		for _, o := range r.Orders {
			if _, _, err := spapi.MapOrder(&o, nil); err != nil {
				t.Errorf("MapOrder: %v", err)
			}
		}
		return r.Orders[0].OrderID, nil
	case "getOrder":
		o, err := c.GetOrder(ctx, str("orderId"), list("includedData")...)
		if err != nil {
			return "", err
		}
		if _, _, err := spapi.MapOrder(o, nil); err != nil {
			t.Errorf("MapOrder: %v", err)
		}
		return o.OrderID, nil
	case "createReport":
		body := ex.Params["body"].(map[string]any)
		return c.CreateReport(ctx, spapi.CreateReportSpec{ReportType: body["reportType"].(string),
			DataStartTime: body["dataStartTime"].(string), MarketplaceIDs: asStrings(body["marketplaceIds"])})
	case "getReport":
		r, err := c.GetReport(ctx, str("reportId"))
		if err != nil {
			return "", err
		}
		return r.ReportID, nil
	case "getReports":
		r, err := c.GetReports(ctx, spapi.GetReportsQuery{ReportTypes: list("reportTypes"), ProcessingStatuses: list("processingStatuses")})
		if err != nil {
			return "", err
		}
		return r.Reports[0].ReportID, nil
	case "getReportDocument":
		d, err := c.GetReportDocument(ctx, str("reportDocumentId"))
		if err != nil {
			return "", err
		}
		return d.ReportDocumentID, nil
	case "cancelReport":
		return "<nil>", nil // answers null: nothing to decode, and vtrbot never cancels
	}
	t.Fatalf("example of %s: no client call for it", ex.Op)
	return "", nil
}

// firstID finds the id an example's answer is about.
func firstID(v map[string]any) any {
	if v == nil {
		return nil
	}
	for _, k := range []string{"reportId", "reportDocumentId"} {
		if id, ok := v[k]; ok {
			return id
		}
	}
	if o, ok := v["order"].(map[string]any); ok {
		return o["orderId"]
	}
	if l, ok := v["orders"].([]any); ok {
		return l[0].(map[string]any)["orderId"]
	}
	if l, ok := v["reports"].([]any); ok {
		return l[0].(map[string]any)["reportId"]
	}
	return nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func asStrings(v any) []string {
	var out []string
	for _, x := range asList(v) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// TestPerformanceReport_SchemaExamples decodes the examples of Amazon's
// seller-performance schema and reads their Valid Tracking Rate.
func TestPerformanceReport_SchemaExamples(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(models, "accountHealthReport-2020-11-18.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Examples []json.RawMessage `json:"examples"`
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	if len(schema.Examples) == 0 {
		t.Fatal("the schema has no examples")
	}
	for i, ex := range schema.Examples {
		r, err := spapi.ParsePerformanceReport(ex)
		if err != nil {
			t.Fatalf("example %d: %v", i, err)
		}
		v := r.ValidTracking("ATVPDKIKX0DER")
		if v == nil || v.Rate == nil || *v.Rate != 0.9529 || v.ShipmentCount != 878443 || v.ValidTrackingCount != 896462 ||
			v.ReportingDateRange.From != "2020-10-11T00:00Z" || v.ReportingDateRange.To != "2020-11-09T23:59Z" || v.Status != "GOOD" {
			t.Errorf("example %d: validTrackingRate = %+v", i, v)
		}
	}
}
