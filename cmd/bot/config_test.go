package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestConfig_badSettingExits2(t *testing.T) {
	tests := []struct {
		vars []string
		want string
	}{
		{[]string{"IMAP_TLS", "bogus"}, `IMAP_TLS: want tls, starttls or none, got "bogus"`},
		{[]string{"VTR_MARKETPLACE", "XX"}, "VTR_MARKETPLACE: "},
		{[]string{"IMAP_POLL", "soon"}, "IMAP_POLL: "},
		{[]string{"IMAP_IDLE_RECHECK", "30m"}, "IMAP_IDLE_RECHECK: "},
		{[]string{"SLACK_BOT_TOKEN", "nope"}, "SLACK_BOT_TOKEN: "},
		{[]string{"SLACK_API_URL", "http://slack.example.com/api/"}, `SLACK_API_URL: want https:// (http:// only for a loopback host such as 127.0.0.1), got "http://slack.example.com/api/"`},
		{[]string{"DATABASE_URL", "mysql://vtr@db/vtrbot"}, `DATABASE_URL: unknown database scheme "mysql"`},
	}
	for _, tt := range tests {
		t.Run(tt.vars[0], func(t *testing.T) {
			env, _, errb := testEnv(t, filepath.Join(t.TempDir(), "v.db"), tt.vars...)
			if code := run(context.Background(), []string{"run"}, env); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], tt.want) {
				t.Errorf("stderr = %q, want one line starting %q", errb.String(), tt.want)
			}
			if strings.Contains(errb.String(), "nope") && tt.vars[0] == "SLACK_BOT_TOKEN" {
				t.Errorf("a secret was printed: %q", errb.String())
			}
		})
	}
}

func TestEnvExample_listsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(string(b), "\n") {
		if k, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			names = append(names, strings.TrimSpace(k))
		}
	}
	var want []string
	for _, v := range configVars() {
		want = append(want, v.name)
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf(".env.example lists\n %v\nwant (the config table's order)\n %v", names, want)
	}
}
