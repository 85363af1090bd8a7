package store

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/vtrbot/vtrbot/vtr"
)

// What a DATABASE_URL may be (README "Configuration"):
//
//   - a SQLite file path, or the same after sqlite:, sqlite:// or file:;
//   - a PostgreSQL URL, postgres://... or postgresql://...;
//   - a PostgreSQL keyword/value string ("host=db dbname=vtrbot
//     password='a b'"), recognised by its first keyword being one libpq
//     knows, so that it never becomes the name of a SQLite file.
//
// Anything else with a scheme (mysql://, http://, postgres:x) or a first
// word of the form WORD= that is no libpq keyword is refused, rather than
// created as a file or folder named after it. A one-letter "scheme" is a
// Windows drive (C:\data\vtrbot.db).

// schemeRE matches a URL scheme at the start of a DATABASE_URL (RFC 3986 §3.1).
var schemeRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)

// keywordRE matches the first keyword of a keyword/value string.
var keywordRE = regexp.MustCompile(`^[ \t\n\r\v\f]*([A-Za-z_][A-Za-z0-9_]*)[ \t\n\r\v\f]*=`)

// libpqKeywords are the connection keywords of libpq (PostgreSQL 17
// "Parameter Key Words") plus the spellings only pgx reads.
var libpqKeywords = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "password": true,
	"passfile": true, "require_auth": true, "channel_binding": true, "connect_timeout": true,
	"client_encoding": true, "options": true, "application_name": true, "fallback_application_name": true,
	"keepalives": true, "keepalives_idle": true, "keepalives_interval": true, "keepalives_count": true,
	"tcp_user_timeout": true, "replication": true, "gssencmode": true, "sslmode": true, "requiressl": true,
	"sslnegotiation": true, "sslcompression": true, "sslcert": true, "sslkey": true, "sslcertmode": true,
	"sslpassword": true, "sslrootcert": true, "sslcrl": true, "sslcrldir": true, "sslsni": true,
	"requirepeer": true, "ssl_min_protocol_version": true, "ssl_max_protocol_version": true,
	"krbsrvname": true, "gsslib": true, "gssdelegation": true, "service": true, "target_session_attrs": true,
	"load_balance_hosts": true,
	// pgx
	"database": true, "servicefile": true, "min_read_buffer_size": true,
}

// parseDSN tells which database dsn names and returns what the driver
// needs: a file path for SQLite, the string itself for PostgreSQL. An error
// is an EINVALID *vtr.Error saying what is wrong, with passwords hidden.
func parseDSN(dsn string) (Dialect, string, error) {
	bad := func(format string, args ...any) (Dialect, string, error) {
		return "", "", vtr.Errorf(vtr.EINVALID, format, args...)
	}
	const want = "want a SQLite file path (or sqlite:PATH), a postgres:// URL, or PostgreSQL keyword/value settings such as host=H dbname=D"
	if strings.TrimSpace(dsn) == "" {
		return bad("empty (%s)", want)
	}
	if m := schemeRE.FindStringSubmatch(dsn); m != nil && len(m[1]) > 1 {
		rest := dsn[len(m[0]):]
		switch strings.ToLower(m[1]) {
		case "postgres", "postgresql":
			if !strings.HasPrefix(rest, "//") {
				return bad("%q is not a PostgreSQL URL (want postgres://USER@HOST:PORT/DATABASE)", Redacted(dsn))
			}
			// pgx recognises the scheme in lower case only.
			return Postgres, strings.ToLower(m[1]) + ":" + rest, nil
		case "sqlite", "file":
			path := strings.TrimPrefix(rest, "//")
			if path == "" {
				return bad("%q names no file (want %s:PATH)", dsn, m[1])
			}
			return SQLite, path, nil
		}
		return bad("unknown database scheme %q in %s (%s)", m[1], Redacted(dsn), want)
	}
	if m := keywordRE.FindStringSubmatch(dsn); m != nil {
		if !libpqKeywords[m[1]] {
			return bad("%s looks like keyword/value settings, but %q is not a PostgreSQL connection keyword (%s)", Redacted(dsn), m[1], want)
		}
		return Postgres, dsn, nil
	}
	return SQLite, dsn, nil
}

// CheckURL returns nil when dsn is a DATABASE_URL vtrbot can use, else an
// EINVALID error saying why in one line, with any password hidden (the
// caller names the setting). A PostgreSQL string is also read as pgx will
// read it (without connecting), so a malformed one is found before it is
// used.
func CheckURL(dsn string) error {
	d, target, err := parseDSN(dsn)
	if err != nil || d != Postgres {
		return err
	}
	if _, err := pgconn.ParseConfig(target); err != nil {
		msg := "pgx cannot read it"
		var pce *pgconn.ParseConfigError
		if errors.As(err, &pce) {
			// ParseConfigError prints the connection string it could
			// not parse; print the reason only.
			cp := *pce
			cp.ConnString = ""
			msg = strings.TrimPrefix(cp.Error(), "cannot parse ``: ")
		}
		return redactError(dsn, vtr.Errorf(vtr.EINVALID, "%s is not a PostgreSQL connection string pgx can read: %s", Redacted(dsn), msg))
	}
	return nil
}

// mask replaces a password wherever Redacted finds one.
const mask = "xxxxx"

// isPasswordKey reports a setting whose value pgx sends as a credential.
func isPasswordKey(k string) bool {
	k = strings.ToLower(strings.TrimSpace(k))
	return k == "password" || k == "sslpassword"
}

// anyPasswordRE is Redacted's last, conservative pass: any password=VALUE
// (quoted or not, = possibly percent-encoded) left anywhere, whatever the
// form around it.
var anyPasswordRE = regexp.MustCompile(`(?i)((?:ssl)?password)(%3d|[ \t\n\r\v\f]*=[ \t\n\r\v\f]*)('(?:[^'\\]|\\.)*'?|[^ \t\n\r\v\f&]*)`)

// Redacted returns a DATABASE_URL safe to print or log: every password pgx
// would read from it is replaced by xxxxx, in each form pgx accepts: the
// password of a URL's user information, password= and sslpassword= query
// parameters, and password=/sslpassword= keyword/value settings, quoted or
// not. A malformed string is masked more widely rather than less: all of
// a URL's user information after its first colon, and everything after
// the password keyword of a keyword/value string pgx could not read.
func Redacted(dsn string) string { return redact(dsn, nil) }

// redact is Redacted, calling found with the text of each value it hides.
func redact(dsn string, found func(string)) string {
	if found == nil {
		found = func(string) {}
	}
	out := dsn
	if m := schemeRE.FindString(out); len(m) > 2 {
		// Any scheme, // or not (postgres:user:pw@host is refused, but
		// the refusal prints it).
		head, rest := m, out[len(m):]
		if strings.HasPrefix(rest, "//") {
			head, rest = head+"//", rest[2:]
		}
		out = head + redactURLRest(rest, found)
	}
	// pgx reads anything that does not start with postgres:// or
	// postgresql:// as keyword/value, whatever its keywords look like
	// ("0=0 password=&x" and "a:=0 password=&x" have the password &x).
	if !strings.HasPrefix(out, "postgres://") && !strings.HasPrefix(out, "postgresql://") && strings.Contains(out, "=") {
		out = redactKeywordValue(out, found)
	}
	return anyPasswordRE.ReplaceAllStringFunc(out, func(m string) string {
		sub := anyPasswordRE.FindStringSubmatch(m)
		if sub[3] != mask {
			found(sub[3])
		}
		return sub[1] + sub[2] + mask
	})
}

// redactURLRest masks the password in what follows scheme://. The user
// information ends at the first @ before any / for pgx and libpq, and at
// the last @ before the path or query for net/url: the later of the two is
// taken, so that a password with an unescaped @, / or ? is hidden whichever
// way it is read. Then the password query parameters. (A legitimate @ in a
// query value after a host:port is over-masked; that costs only display.)
func redactURLRest(p string, found func(string)) string {
	end := -1
	if i := strings.IndexAny(p, "@/"); i >= 0 && p[i] == '@' {
		end = i
	}
	auth := p
	if i := strings.IndexAny(p, "/?"); i >= 0 {
		auth = p[:i]
	}
	if i := strings.LastIndexByte(auth, '@'); i > end {
		end = i
	}
	// Neither reading found user information, yet an @ follows a colon: a
	// password with an unescaped / or ? (postgres://u:pa/ss@host) that pgx
	// would read as port and path. Hide it all rather than print it.
	if at := strings.LastIndexByte(p, '@'); end < 0 && at >= 0 && strings.IndexByte(p[:at], ':') >= 0 {
		end = at
	}
	var b strings.Builder
	if end >= 0 {
		user, pw, hasPW := strings.Cut(p[:end], ":")
		b.WriteString(user)
		if hasPW {
			b.WriteString(":" + mask)
			found(pw)
			if j := strings.IndexByte(pw, '@'); j >= 0 {
				found(pw[:j]) // what pgx reads of it
			}
		}
		b.WriteByte('@')
		p = p[end+1:]
	}
	qi := strings.IndexByte(p, '?')
	if qi < 0 {
		return b.String() + p
	}
	b.WriteString(p[:qi+1])
	for i, pair := range strings.Split(p[qi+1:], "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		key, val, hasValue := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(key)
		if err != nil {
			k = key
		}
		if hasValue && isPasswordKey(k) {
			b.WriteString(key + "=" + mask)
			found(val)
			continue
		}
		b.WriteString(pair)
	}
	return b.String()
}

const kvSpace = " \t\n\r\v\f"

// redactKeywordValue masks password settings in a keyword/value string,
// reading it as pgx does (pgconn's parseKeywordValueSettings): keyword,
// optional spaces, =, optional spaces, then a value that is either a run of
// non-spaces or a single-quoted string, a backslash escaping the next
// character in both. A string pgx could not read is masked from its first
// password keyword to the end.
func redactKeywordValue(s string, found func(string)) string {
	var b strings.Builder
	rest := s
	for {
		trimmed := strings.TrimLeft(rest, kvSpace)
		b.WriteString(rest[:len(rest)-len(trimmed)])
		rest = trimmed
		eq := strings.IndexByte(rest, '=')
		if eq < 0 {
			return b.String() + rest
		}
		key := strings.Trim(rest[:eq], kvSpace)
		trimmed = strings.TrimLeft(rest[eq+1:], kvSpace)
		head := rest[:len(rest)-len(trimmed)] // keyword, spaces, =, spaces
		rest = trimmed
		end, ok := valueEnd(rest)
		if !ok {
			out := b.String() + head + rest
			if i := strings.Index(strings.ToLower(out), "password"); i >= 0 {
				found(out[i:])
				return out[:i] + "password=" + mask
			}
			return out
		}
		b.WriteString(head)
		if isPasswordKey(key) {
			b.WriteString(mask)
			found(rest[:end])
			found(unescapeValue(rest[:end]))
		} else {
			b.WriteString(rest[:end])
		}
		rest = rest[end:]
	}
}

// valueEnd returns where the keyword/value value at the start of s ends,
// and false when a quoted value is never closed.
func valueEnd(s string) (int, bool) {
	if s == "" || s[0] != '\'' {
		i := 0
		for ; i < len(s) && !strings.ContainsRune(kvSpace, rune(s[i])); i++ {
			if s[i] == '\\' {
				i++
			}
		}
		return min(i, len(s)), true
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '\'':
			return i + 1, true
		}
	}
	return 0, false
}

// unescapeValue returns a keyword/value value as pgx reads it: without its
// quotes, each backslash dropped and the character after it kept.
func unescapeValue(v string) string {
	if len(v) >= 2 && v[0] == '\'' {
		v = v[1 : len(v)-1]
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' {
			i++
			if i == len(v) {
				break
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// redactError hides dsn's passwords in err's text: each value Redacted
// would hide, as written and unescaped, wherever it appears, then
// Redacted's own pass over the text. err's chain is kept for errors.Is and
// errors.As (and so its vtr error code).
func redactError(dsn string, err error) error {
	if err == nil {
		return nil
	}
	var secrets []string
	add := func(s string) {
		s = strings.Trim(s, "'")
		for _, v := range []string{s, unescapeValue(s)} {
			if v == "" || v == mask {
				continue
			}
			secrets = append(secrets, v)
			if u, err := url.PathUnescape(v); err == nil && u != v {
				secrets = append(secrets, u)
			}
			if u, err := url.QueryUnescape(v); err == nil && u != v {
				secrets = append(secrets, u)
			}
		}
	}
	redact(dsn, add)
	// Longest first, so that a password's prefix (the part pgx reads of
	// a malformed one) does not leave the rest showing.
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	msg := err.Error()
	scrubbed := msg
	for _, s := range secrets {
		scrubbed = strings.ReplaceAll(scrubbed, s, mask)
	}
	scrubbed = Redacted(scrubbed)
	if scrubbed == msg {
		return err
	}
	var ve *vtr.Error
	if errors.As(err, &ve) && ve == err {
		return &vtr.Error{Code: ve.Code, Message: scrubbed}
	}
	return &scrubbedError{msg: scrubbed, err: err}
}

// scrubbedError is an error whose text had a password hidden.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
