package spapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/spapi/spapifake"
)

// clock is a fake clock: Sleep moves it forward at once.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2019, 12, 4, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

// setup starts a stand-in and a client of it sharing one fake clock.
func setup(t *testing.T) (*spapifake.Server, *spapi.Client, *clock) {
	t.Helper()
	clk := newClock()
	f := spapifake.New(t.Cleanup)
	f.Now = clk.Now
	c := &spapi.Client{
		Endpoint: f.URL, RefreshToken: f.RefreshToken(),
		Auth: &spapi.LWA{URL: f.LWAURL(), ClientID: f.ClientID, ClientSecret: f.ClientSecret, Now: clk.Now},
		Now:  clk.Now, Sleep: clk.Sleep, Jitter: func() float64 { return 0.5 },
	}
	return f, c, clk
}

// someOrders returns n merchant-fulfilled US orders updated a minute apart.
func someOrders(n int, start time.Time) []spapi.Order {
	out := make([]spapi.Order, n)
	for i := range out {
		at := start.Add(time.Duration(i) * time.Minute).UTC().Format(time.RFC3339)
		out[i] = spapi.Order{OrderID: fmt.Sprintf("113-%07d-0000001", i), CreatedTime: at, LastUpdatedTime: at,
			SalesChannel: spapi.SalesChannel{ChannelName: "AMAZON", MarketplaceID: "ATVPDKIKX0DER"},
			Fulfillment:  &spapi.OrderFulfillment{FulfillmentStatus: "SHIPPED", FulfilledBy: "MERCHANT"},
			OrderItems:   []spapi.OrderItem{{OrderItemID: "1", QuantityOrdered: 1, Product: spapi.ItemProduct{SellerSKU: "SKU"}}}}
	}
	return out
}

// searchAll pages through a search and returns the order ids in order.
func searchAll(ctx context.Context, c *spapi.Client, q spapi.SearchOrdersQuery, between func(page int)) ([]string, error) {
	var ids []string
	for page := 0; ; page++ {
		if between != nil {
			between(page)
		}
		r, err := c.SearchOrders(ctx, q)
		if err != nil {
			return ids, err
		}
		for _, o := range r.Orders {
			ids = append(ids, o.OrderID)
		}
		if r.NextToken() == "" {
			return ids, nil
		}
		q.PaginationToken = r.NextToken()
	}
}

func TestLWA_OneExchangeForConcurrentCalls(t *testing.T) {
	f, c, _ := setup(t)
	f.PutOrders(someOrders(1, time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC))...)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := c.GetOrder(t.Context(), "113-0000000-0000001")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.Exchanges(); n != 1 {
		t.Errorf("20 concurrent calls made %d token exchanges, want 1", n)
	}
}

func TestLWA_RefreshBeforeExpiry(t *testing.T) {
	f, c, clk := setup(t)
	f.PutOrders(someOrders(1, time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC))...)
	get := func() {
		t.Helper()
		if _, err := c.GetOrder(t.Context(), "113-0000000-0000001"); err != nil {
			t.Fatal(err)
		}
	}
	get()
	clk.Sleep(t.Context(), 50*time.Minute)
	get()
	if n := f.Exchanges(); n != 1 {
		t.Fatalf("after 50 min: %d exchanges, want 1 (the token lives an hour)", n)
	}
	clk.Sleep(t.Context(), 9*time.Minute) // 59 min: inside the refresh margin
	get()
	if n := f.Exchanges(); n != 2 {
		t.Errorf("after 59 min: %d exchanges, want 2 (refreshed before expiry)", n)
	}
}

func TestClient_ExpiredTokenCostsOneRefresh(t *testing.T) {
	f, c, _ := setup(t)
	f.PutOrders(someOrders(1, time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC))...)
	if _, err := c.GetOrder(t.Context(), "113-0000000-0000001"); err != nil {
		t.Fatal(err)
	}
	f.ExpireTokens() // Amazon now answers 403 "expired" to the cached token
	if _, err := c.GetOrder(t.Context(), "113-0000000-0000001"); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := f.Exchanges(); n != 2 {
		t.Errorf("%d exchanges, want 2 (one refresh)", n)
	}
	if n := f.Calls("getOrder"); n != 3 {
		t.Errorf("%d getOrder calls, want 3 (one retried once)", n)
	}
	if st := c.Stats(); st.Refreshes != 1 {
		t.Errorf("Stats.Refreshes = %d, want 1", st.Refreshes)
	}
}

func TestClient_RejectedCredentials(t *testing.T) {
	tests := []struct {
		name     string
		mutate   func(c *spapi.Client)
		code     string
		secretIn func(c *spapi.Client) string
	}{
		{"wrong refresh token", func(c *spapi.Client) { c.RefreshToken = "Atzr|not-the-right-one" }, "invalid_grant",
			func(c *spapi.Client) string { return c.RefreshToken }},
		{"wrong client secret", func(c *spapi.Client) { c.Auth.ClientSecret = "rotated-away" }, "invalid_client",
			func(c *spapi.Client) string { return c.Auth.ClientSecret }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, _ := setup(t)
			tt.mutate(c)
			_, err := c.SearchOrders(t.Context(), spapi.SearchOrdersQuery{LastUpdatedAfter: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)})
			var ae *spapi.AuthError
			if !errors.As(err, &ae) || ae.Code != tt.code || !spapi.Rejected(err) {
				t.Fatalf("err = %v, want an AuthError %s that Rejected reports", err, tt.code)
			}
			if s := tt.secretIn(c); strings.Contains(err.Error(), s) {
				t.Errorf("error %q shows the secret", err)
			}
			// The refusal is kept: asking again does not call LWA again.
			c.SearchOrders(t.Context(), spapi.SearchOrdersQuery{LastUpdatedAfter: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)})
			if n := f.Calls("searchOrders"); n != 0 {
				t.Errorf("%d searchOrders calls without a token, want 0", n)
			}
		})
	}
}

func TestClient_429MidPagingLosesNoPage(t *testing.T) {
	f, c, _ := setup(t)
	start := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)
	f.PutOrders(someOrders(250, start)...)
	ids, err := searchAll(t.Context(), c, spapi.SearchOrdersQuery{LastUpdatedAfter: start, MaxResultsPerPage: 100,
		MarketplaceIDs: []string{"ATVPDKIKX0DER"}, FulfilledBy: []string{"MERCHANT"}}, func(page int) {
		if page == 1 {
			f.Inject("searchOrders", spapifake.Fault{Status: 429}, spapifake.Fault{Status: 429})
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("order %s came twice", id)
		}
		seen[id] = true
	}
	if len(seen) != 250 {
		t.Errorf("got %d distinct orders, want 250", len(seen))
	}
	st := c.Stats()
	if st.Retries429 != 2 || f.Calls("searchOrders") != 5 {
		t.Errorf("retries = %d, calls = %d; want 2 and 5", st.Retries429, f.Calls("searchOrders"))
	}
	// After a 429 the bucket is empty: the retry waited at least one
	// interval of searchOrders' rate (1/0.0056 s ≈ 179 s).
	if st.LimiterWait < 170*time.Second {
		t.Errorf("waited %v for the limiter after a 429, want at least one interval (~179 s)", st.LimiterWait)
	}
}

func TestClient_Retries(t *testing.T) {
	tests := []struct {
		name      string
		faults    []int
		wantErr   string // Amazon code of the error, "" for success
		wantCalls int
	}{
		{"500 then 503 are retried", []int{500, 503}, "", 3},
		{"429 is retried", []int{429}, "", 2},
		{"400 is not retried", []int{400}, "InvalidInput", 1},
		{"404 is not retried", []int{404}, "InvalidInput", 1},
		{"403 without expiry is not retried", []int{403}, "Unauthorized", 1},
		{"429 nine times gives up", []int{429, 429, 429, 429, 429, 429, 429, 429, 429}, "QuotaExceeded", 9},
		{"5xx six times gives up", []int{500, 500, 500, 500, 500, 500}, "InternalFailure", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, _ := setup(t)
			f.PutOrders(someOrders(1, time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC))...)
			for _, st := range tt.faults {
				f.Inject("getOrder", spapifake.Fault{Status: st})
			}
			_, err := c.GetOrder(t.Context(), "113-0000000-0000001")
			var ae *spapi.Error
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v, want success", err)
			case tt.wantErr != "" && (!errors.As(err, &ae) || ae.Code != tt.wantErr || ae.RequestID == "" || ae.Op != "getOrder"):
				t.Fatalf("err = %v, want an Error %s with a request id", err, tt.wantErr)
			}
			if n := f.Calls("getOrder"); n != tt.wantCalls {
				t.Errorf("%d calls, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestClient_RateLimitHeaderSetsTheBucket(t *testing.T) {
	tests := []struct {
		header   string
		wantRate float64
		wantWait time.Duration // for 10 calls after the burst of 30
	}{
		{"", 0.5, 20 * time.Second}, // the model's default: one every 2 s
		{"5", 5, 2 * time.Second},   // raised
		{"0.1", 0.1, 100 * time.Second},
	}
	for _, tt := range tests {
		t.Run("limit="+tt.header, func(t *testing.T) {
			f, c, _ := setup(t)
			f.PutOrders(someOrders(1, time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC))...)
			f.SetRateLimit("getOrder", tt.header)
			for range 30 { // the burst
				if _, err := c.GetOrder(t.Context(), "113-0000000-0000001"); err != nil {
					t.Fatal(err)
				}
			}
			if r := c.Rate("getOrder"); r != tt.wantRate {
				t.Fatalf("rate = %v, want %v", r, tt.wantRate)
			}
			before := c.Stats().LimiterWait
			for range 10 {
				if _, err := c.GetOrder(t.Context(), "113-0000000-0000001"); err != nil {
					t.Fatal(err)
				}
			}
			got := c.Stats().LimiterWait - before
			if d := got - tt.wantWait; d < -time.Millisecond || d > time.Millisecond {
				t.Errorf("10 calls past the burst waited %v, want %v", got, tt.wantWait)
			}
		})
	}
}

func TestClient_ErrorNamesRequestID(t *testing.T) {
	f, c, _ := setup(t)
	f.Inject("getOrder", spapifake.Fault{Status: 400, Header: map[string]string{"x-amzn-RequestId": "abc-123"},
		Body: `{"errors":[{"code":"InvalidInput","message":"Invalid order id","details":"orderId"}]}`})
	_, err := c.GetOrder(t.Context(), "bad")
	want := "getOrder: HTTP 400 InvalidInput: Invalid order id (orderId) [request abc-123]"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if f.Calls("getOrder") != 1 || !strings.Contains(fmt.Sprint(f.Log()), "400") {
		t.Errorf("log = %v", f.Log())
	}
	_ = http.StatusOK
}
