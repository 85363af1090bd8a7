package spapifake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Example is one x-amzn-api-sandbox.static request → response pair of an
// Amazon model: what Amazon's static sandbox answers.
type Example struct {
	Op       string
	Method   string
	Path     string // the model's path template: /orders/2026-01-01/orders/{orderId}
	Status   int
	Params   map[string]any // parameter name -> value, as in the model
	Response json.RawMessage
}

// LoadSandbox reads every static sandbox example of a Swagger 2.0 model.
func LoadSandbox(path string) ([]Example, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var model struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(b, &model); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []Example
	for p, ops := range model.Paths {
		for method, raw := range ops {
			if method == "parameters" {
				continue
			}
			var op struct {
				OperationID string `json:"operationId"`
				Responses   map[string]struct {
					Sandbox struct {
						Static []struct {
							Request struct {
								Parameters map[string]struct {
									Value any `json:"value"`
								} `json:"parameters"`
							} `json:"request"`
							Response json.RawMessage `json:"response"`
						} `json:"static"`
					} `json:"x-amzn-api-sandbox"`
				} `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("%s %s %s: %w", path, method, p, err)
			}
			for code, resp := range op.Responses {
				status, err := strconv.Atoi(code)
				if err != nil {
					continue
				}
				for _, ex := range resp.Sandbox.Static {
					e := Example{Op: op.OperationID, Method: strings.ToUpper(method), Path: p, Status: status,
						Params: map[string]any{}, Response: ex.Response}
					for name, v := range ex.Request.Parameters {
						e.Params[name] = v.Value
					}
					out = append(out, e)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Op != out[j].Op {
			return out[i].Op < out[j].Op
		}
		if out[i].Status != out[j].Status {
			return out[i].Status < out[j].Status
		}
		a, _ := json.Marshal(out[i].Params)
		b, _ := json.Marshal(out[j].Params)
		return string(a) < string(b)
	})
	return out, nil
}

// Sandbox makes the stand-in replay examples instead of its own data: a
// request gets the response of the example of its operation whose
// parameters it matches, else 400.
func (s *Server) Sandbox(examples []Example) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sandbox = examples
}

func (s *Server) replay(op string, r *http.Request) (int, []byte) {
	var body any
	if r.Body != nil {
		if b, _ := io.ReadAll(r.Body); len(b) > 0 {
			json.Unmarshal(b, &body)
		}
	}
	for _, e := range s.sandbox {
		if e.Op == op && matches(e, r, body) {
			resp := e.Response
			if len(resp) == 0 || string(resp) == "null" {
				resp = nil
			}
			return e.Status, resp
		}
	}
	b, _ := json.Marshal(errList("InvalidInput", "no sandbox example matches this request", r.URL.RawQuery))
	return http.StatusBadRequest, b
}

// matches reports whether a request carries exactly an example's
// parameters (path, query and body) and no other query parameter.
func matches(e Example, r *http.Request, body any) bool {
	q := r.URL.Query()
	seen := 0
	for name, want := range e.Params {
		var got string
		switch {
		case name == "body":
			if !reflect.DeepEqual(body, want) {
				return false
			}
			continue
		case strings.Contains(e.Path, "{"+name+"}"):
			got = r.PathValue(name)
		default:
			got = q.Get(name)
			seen++
		}
		if list, ok := want.([]any); ok {
			parts := make([]string, len(list))
			for i, v := range list {
				parts[i] = fmt.Sprint(v)
			}
			if got != strings.Join(parts, ",") {
				return false
			}
			continue
		}
		if got != fmt.Sprint(want) {
			return false
		}
	}
	return seen == len(q)
}
