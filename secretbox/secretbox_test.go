package secretbox

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func testKey(t *testing.T) Key {
	t.Helper()
	raw := make([]byte, KeySize)
	rand.Read(raw)
	k, err := ParseKey(base64.StdEncoding.EncodeToString(raw))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParseKey(t *testing.T) {
	raw := make([]byte, KeySize)
	for i := range raw {
		raw[i] = byte(i * 7)
	}
	for _, tc := range []struct {
		name, in, wantErr string
	}{
		{"std", base64.StdEncoding.EncodeToString(raw), ""},
		{"std unpadded", base64.RawStdEncoding.EncodeToString(raw), ""},
		{"url", base64.URLEncoding.EncodeToString(raw), ""},
		{"trailing newline", base64.StdEncoding.EncodeToString(raw) + "\n", ""},
		{"16 bytes", base64.StdEncoding.EncodeToString(raw[:16]), "got 16 bytes"},
		{"not base64", "correct horse battery staple!!", "not base64"},
		{"empty", "", "got 0 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseKey(tc.in)
			if tc.wantErr == "" && err != nil {
				t.Fatalf("ParseKey: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("ParseKey error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestSealOpen(t *testing.T) {
	b := New(testKey(t))
	ad := AD("accounts", "brand-a", "imap_password")
	s, err := b.Seal("hunter2 app password", ad)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s, "hunter2") {
		t.Fatalf("sealed value holds the plaintext: %s", s)
	}
	s2, _ := b.Seal("hunter2 app password", ad)
	if s == s2 {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	got, err := b.Open(s, ad)
	if err != nil || got != "hunter2 app password" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if e, _ := b.Seal("", ad); e != "" {
		t.Errorf("Seal(\"\") = %q, want \"\" (no secret)", e)
	}
}

// A ciphertext is bound to its row and column: copied elsewhere, or
// altered, it does not open.
func TestOpenRefuses(t *testing.T) {
	b := New(testKey(t))
	ad := AD("accounts", "brand-a", "imap_password")
	s, _ := b.Seal("secret", ad)
	flip := []byte(s)
	flip[len(flip)-3] ^= 1
	for _, tc := range []struct {
		name   string
		box    *Box
		sealed string
		ad     []byte
	}{
		{"another row", b, s, AD("accounts", "brand-b", "imap_password")},
		{"another column", b, s, AD("accounts", "brand-a", "spapi_refresh_token")},
		{"altered", b, string(flip), ad},
		{"truncated", b, s[:len(s)-10], ad},
		{"another key", New(testKey(t)), s, ad},
		{"not sealed", b, "plaintext", ad},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := tc.box.Open(tc.sealed, tc.ad); err == nil {
				t.Fatalf("Open = %q, want an error", got)
			}
		})
	}
	if _, err := b.Open(s, AD("accounts", "brand-b", "imap_password")); !errors.Is(err, ErrOpen) {
		t.Errorf("moved value: error %v, want ErrOpen", err)
	}
}

// Rotation: a Box with the new key and the old one opens both, and Reseal
// moves a value to the new key; then the old key is no longer needed.
func TestRotation(t *testing.T) {
	oldKey, newKey := testKey(t), testKey(t)
	ad := AD("accounts", "default", "spapi_refresh_token")
	s, _ := New(oldKey).Seal("Atzr|token", ad)

	both := New(newKey, oldKey)
	if both.Current(s) {
		t.Fatal("a value sealed with the old key counts as current")
	}
	if got, err := both.Open(s, ad); err != nil || got != "Atzr|token" {
		t.Fatalf("Open with the old key in the box = %q, %v", got, err)
	}
	r, err := both.Reseal(s, ad)
	if err != nil {
		t.Fatal(err)
	}
	if !both.Current(r) {
		t.Error("resealed value is not under the current key")
	}
	if got, err := New(newKey).Open(r, ad); err != nil || got != "Atzr|token" {
		t.Fatalf("resealed value with the new key alone = %q, %v", got, err)
	}
	if _, err := New(newKey).Open(s, ad); err == nil || !strings.Contains(err.Error(), oldKey.ID()) {
		t.Errorf("old value without the old key: error %v, want one naming key %s", err, oldKey.ID())
	}
}
