package tracking

// The built-in subset that VTR classification follows (docs/tracking.md
// "Two levels"). It is deliberately smaller than
// the validators behind Check: the reason codes CARRIER_MISMATCH and
// BAD_FORMAT are a contract, and the contract names exactly these shapes.
// Where the fuller validators differ (the IMpb Mailer-ID rule, 420 + ZIP
// routing prefixes, FedEx 32/34, UPS waybills, DHL eCommerce), the subset
// wins for classification; docs/tracking.md explains why.

// coreCodes are the carriers with subset formats.
var coreCodes = [...]string{"usps", "ups", "fedex", "dhl"}

// CoreFormats reports whether the carrier (a canonical code, or any name
// Lookup accepts) has built-in subset formats: only USPS, UPS, FedEx and
// DHL do. Carriers without them get no format check in classification.
func CoreFormats(carrier string) bool {
	return coreIndex(carrier) >= 0
}

// CoreCheck applies the subset formats. ok reports whether the number
// (normalised here) fits the named carrier's subset formats; when it does
// not, fitsOther reports whether another of the four carriers' subset
// formats accepts it (CARRIER_MISMATCH; otherwise BAD_FORMAT). For a carrier
// without subset formats it returns ok true: there is nothing to check. It
// does not allocate.
func CoreCheck(carrier, number string) (ok, fitsOther bool) {
	i := coreIndex(carrier)
	if i < 0 {
		return true, false
	}
	var num numBuf
	if !num.normalize(number) {
		return false, false
	}
	n := num.bytes()
	if coreFits(i, n) {
		return true, false
	}
	for j := range coreCodes {
		if j != i && coreFits(j, n) {
			return false, true
		}
	}
	return false, false
}

func coreIndex(carrier string) int {
	for i, code := range coreCodes {
		if carrier == code {
			return i
		}
	}
	c, ok := Lookup(carrier)
	if !ok {
		return -1
	}
	for i, id := range reg.core {
		if c.id == id {
			return i
		}
	}
	return -1
}

func coreFits(i int, n []byte) bool {
	switch coreCodes[i] {
	case "usps":
		return coreUSPS(n)
	case "ups":
		// 1Z + 15 of [0-9A-Z] + check digit, UPS's mod 10.
		return len(n) == 18 && hasPrefix(n, "1Z") && isAlnum(n[2:17]) && isDigits(n[17:]) &&
			n[17] == upsMod10(n[2:17])
	case "fedex":
		return coreFedEx(n)
	case "dhl":
		// DHL Express: 10 or 11 digits, the leading digits mod 7.
		l := len(n)
		return (l == 10 || l == 11) && isDigits(n) && n[l-1] == mod7(n[:l-1])
	}
	return false
}

// coreUSPS: 22 digits starting 91-95 (mod 10 only, no Mailer-ID rule), 20
// digits (bare, or behind the legacy 91), or an S10 number ending US.
func coreUSPS(n []byte) bool {
	switch len(n) {
	case 22:
		return isDigits(n) && n[0] == '9' && n[1] >= '1' && n[1] <= '5' && n[21] == gs1(n[:21])
	case 20:
		return isDigits(n) && legacy20(n).ok
	case 13:
		return n[11] == 'U' && n[12] == 'S' && s10(n).ok
	}
	return false
}

// coreFedEx: 12 digits (mod 11), 15 digits (mod 10), an 18-digit SSCC or
// 00 + SSCC (GS1 check over the 17 data digits), 22 digits starting 96
// (check over the last 14 data digits).
func coreFedEx(n []byte) bool {
	if !isDigits(n) {
		return false
	}
	switch len(n) {
	case 12:
		return n[11] == fedexMod11(n[:11])
	case 15:
		return n[14] == gs1(n[:14])
	case 18:
		return n[17] == gs1(n[:17])
	case 20:
		return hasPrefix(n, "00") && n[19] == gs1(n[2:19])
	case 22:
		return hasPrefix(n, "96") && n[21] == gs1(n[7:21])
	}
	return false
}
