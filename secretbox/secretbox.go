// Package secretbox seals the secrets vtrbot keeps in its database (an
// account's mailbox password or OAuth token, its Amazon refresh token) with
// AES-256-GCM from the standard library, so that a dump, a backup or a
// replica of the database holds no secret in clear.
//
// Each sealed value carries a random 96-bit nonce and is bound to the place
// it is stored in by GCM's additional data (the table, the row's key and
// the column: see AD): a ciphertext copied into another row or column does
// not open. A sealed value names the key that sealed it by a short
// fingerprint, so a Box with a new key and the previous one (key rotation)
// opens both and Reseal moves a value to the new key.
//
// What it does not protect against: anyone who can read the key (the
// process environment of a running bot, the host it runs on). See README.md
// "Several accounts".
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of a key: AES-256.
const KeySize = 32

// prefix starts every sealed value: the format's version.
const prefix = "v1:"

// Key is one AES-256 key.
type Key struct {
	aead cipher.AEAD
	id   string // hex of the first 4 bytes of SHA-256(key)
}

// ParseKey reads a key written as base64 (standard or URL alphabet, with or
// without padding) of exactly 32 bytes, such as `openssl rand -base64 32`
// prints.
func ParseKey(s string) (Key, error) {
	s = strings.TrimSpace(s)
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return Key{}, errors.New("want 32 bytes in base64 (openssl rand -base64 32), got something that is not base64")
	}
	if len(raw) != KeySize {
		return Key{}, fmt.Errorf("want 32 bytes in base64 (openssl rand -base64 32), got %d bytes", len(raw))
	}
	return newKey(raw)
}

func newKey(raw []byte) (Key, error) {
	block, err := aes.NewCipher(raw)
	if err != nil {
		return Key{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return Key{}, err
	}
	sum := sha256.Sum256(raw)
	return Key{aead: aead, id: hex.EncodeToString(sum[:4])}, nil
}

// ID is the key's fingerprint as stored in sealed values (not secret: 4
// bytes of a hash of the key).
func (k Key) ID() string { return k.id }

// Box seals with its first key and opens with any of its keys.
type Box struct {
	keys []Key
}

// New returns a Box that seals with current and also opens values sealed
// with any of old (the keys being rotated away).
func New(current Key, old ...Key) *Box {
	b := &Box{keys: []Key{current}}
	for _, k := range old {
		if k.aead != nil {
			b.keys = append(b.keys, k)
		}
	}
	return b
}

// AD is the additional data that binds a sealed value to where it is
// stored: a table, the row's key and a column.
func AD(table, row, column string) []byte {
	return []byte("vtrbot\x00" + table + "\x00" + row + "\x00" + column)
}

// ErrOpen is returned for a value that does not open: another key, another
// row, or tampered.
var ErrOpen = errors.New("secret does not decrypt (wrong VTRBOT_SECRET_KEY, or the value was moved or altered)")

// Seal encrypts plaintext for the place ad names. The empty string seals to
// the empty string (no secret set).
func (b *Box) Seal(plaintext string, ad []byte) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	k := b.keys[0]
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	ct := k.aead.Seal(nonce, nonce, []byte(plaintext), ad)
	return prefix + k.id + ":" + base64.RawStdEncoding.EncodeToString(ct), nil
}

// Open decrypts a value Seal returned for the same ad.
func (b *Box) Open(sealed string, ad []byte) (string, error) {
	if sealed == "" {
		return "", nil
	}
	k, ct, err := b.parse(sealed)
	if err != nil {
		return "", err
	}
	n := k.aead.NonceSize()
	if len(ct) < n+k.aead.Overhead() {
		return "", ErrOpen
	}
	pt, err := k.aead.Open(nil, ct[:n], ct[n:], ad)
	if err != nil {
		return "", ErrOpen
	}
	return string(pt), nil
}

// Current reports whether sealed was sealed with the Box's current key.
func (b *Box) Current(sealed string) bool {
	return sealed == "" || strings.HasPrefix(sealed, prefix+b.keys[0].id+":")
}

// Reseal opens a value with any key and seals it again with the current
// one; a value already sealed with the current key is returned unchanged.
func (b *Box) Reseal(sealed string, ad []byte) (string, error) {
	if b.Current(sealed) {
		return sealed, nil
	}
	pt, err := b.Open(sealed, ad)
	if err != nil {
		return "", err
	}
	return b.Seal(pt, ad)
}

func (b *Box) parse(sealed string) (Key, []byte, error) {
	rest, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return Key{}, nil, errors.New("not a sealed secret (no v1: prefix)")
	}
	id, data, ok := strings.Cut(rest, ":")
	if !ok {
		return Key{}, nil, errors.New("not a sealed secret (no key id)")
	}
	for _, k := range b.keys {
		if k.id == id {
			ct, err := base64.RawStdEncoding.DecodeString(data)
			if err != nil {
				return Key{}, nil, ErrOpen
			}
			return k, ct, nil
		}
	}
	return Key{}, nil, fmt.Errorf("secret was sealed with key %s, which is neither VTRBOT_SECRET_KEY nor VTRBOT_SECRET_KEY_OLD", id)
}
