package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-mbox"
)

// parseEnv returns an Env for bot parse with captured output.
func parseEnv(stdin string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(string) (string, bool) { return "", false },
		Now:    time.Now, Dir: ".",
	}, &out, &errb
}

const noticeTestdata = "../../vtr/notice/testdata"

// parseLines decodes bot parse output, one object per line.
func parseLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		objs = append(objs, m)
	}
	return objs
}

func TestParse_filesAndMbox(t *testing.T) {
	dir := t.TempDir()
	box := filepath.Join(dir, "mail.mbox")
	var buf bytes.Buffer
	w := mbox.NewWriter(&buf)
	names := []string{"lsr-de-qp", "binary", "ups-out-for-delivery", "truncated"}
	for _, n := range names {
		raw, err := os.ReadFile(filepath.Join(noticeTestdata, n+".eml"))
		if err != nil {
			t.Fatal(err)
		}
		mw, _ := w.CreateMessage("MAILER-DAEMON", time.Time{})
		mw.Write(raw)
	}
	w.Close()
	if err := os.WriteFile(box, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	eml := filepath.Join(noticeTestdata, "forward-rfc822.eml")
	env, out, errb := parseEnv("")
	if code := run(t.Context(), []string{"parse", box, eml}, env); code != exitOK {
		t.Fatalf("exit %d, stderr: %s", code, errb)
	}
	objs := parseLines(t, out.String())
	if len(objs) != len(names)+1 {
		t.Fatalf("%d objects, want %d:\n%s", len(objs), len(names)+1, out)
	}
	wantKinds := []string{"performance_warning", "other", "carrier_update", "other", "performance_warning"}
	for i, o := range objs {
		if o["kind"] != wantKinds[i] {
			t.Errorf("object %d: kind %v, want %s", i, o["kind"], wantKinds[i])
		}
	}
	if objs[1]["error"] == nil || objs[3]["error"] == nil || objs[0]["error"] != nil {
		t.Errorf("error fields: %v, %v, %v", objs[0]["error"], objs[1]["error"], objs[3]["error"])
	}
}

func TestParse_stdin(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(noticeTestdata, "cancel-rate-us.eml"))
	if err != nil {
		t.Fatal(err)
	}
	env, out, errb := parseEnv(string(raw))
	if code := run(t.Context(), []string{"parse", "-"}, env); code != exitOK {
		t.Fatalf("exit %d, stderr: %s", code, errb)
	}
	objs := parseLines(t, out.String())
	if len(objs) != 1 || objs[0]["metric"] != "pre_fulfillment_cancel_rate" {
		t.Errorf("got %s", out)
	}
}

// An unreadable file exits 1 naming it; the other files are still parsed.
func TestParse_unreadableFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.eml")
	env, out, errb := parseEnv("")
	code := run(t.Context(), []string{"parse", missing, filepath.Join(noticeTestdata, "binary.eml")}, env)
	if code != exitFail {
		t.Errorf("exit %d, want %d", code, exitFail)
	}
	if want := missing + ": no such file or directory\n"; errb.String() != want {
		t.Errorf("stderr = %q, want %q", errb, want)
	}
	if objs := parseLines(t, out.String()); len(objs) != 1 {
		t.Errorf("want the readable file's object, got %s", out)
	}
}

func TestParse_usage(t *testing.T) {
	env, _, errb := parseEnv("")
	if code := run(t.Context(), []string{"parse"}, env); code != exitConfig || !strings.Contains(errb.String(), "Usage: bot parse") {
		t.Errorf("no args: exit %d, stderr %q", code, errb)
	}
	env, _, _ = parseEnv("")
	if code := run(t.Context(), []string{"parse", "--help"}, env); code != exitOK {
		t.Errorf("--help: exit %d", code)
	}
}

// A message over --max-size is an error object; the rest of the mbox goes on.
func TestParse_maxSize(t *testing.T) {
	var buf bytes.Buffer
	w := mbox.NewWriter(&buf)
	mw, _ := w.CreateMessage("MAILER-DAEMON", time.Time{})
	mw.Write([]byte("From: a@amazon.com\r\nMessage-ID: <big@amazon.com>\r\n\r\n" + strings.Repeat("x", 5000) + "\r\n"))
	mw, _ = w.CreateMessage("MAILER-DAEMON", time.Time{})
	mw.Write([]byte("From: b@amazon.com\r\nMessage-ID: <small@amazon.com>\r\n\r\nhi\r\n"))
	w.Close()
	env, out, errb := parseEnv(buf.String())
	if code := run(t.Context(), []string{"parse", "--max-size", "1000", "-"}, env); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	objs := parseLines(t, out.String())
	if len(objs) != 2 || objs[0]["message_id"] != "<big@amazon.com>" || objs[0]["error"] == nil || objs[1]["error"] != nil {
		t.Errorf("got %s", out)
	}
}
