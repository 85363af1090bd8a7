package tracking

// format is one number format of one or more carriers. Validators are
// written from the carriers' public specifications (docs/tracking.md); none
// of them allocates, and each looks only at a normalised number (upper-case
// ASCII, no spaces or dashes).
type format uint8

const (
	fNone           format = iota
	fUSPS20                // USPS 20 digits (legacy, and behind the implied 91)
	fIMpb                  // USPS IMpb 22/26/30, legacy 91 + 20, with 420 + ZIP routing
	fS10                   // UPU S10 international: 2 letters, 8 digits, check, country
	fUPS                   // UPS 1Z
	fUPSWaybill            // UPS waybill / InfoNotice: A, H, J, K, T or V + 9 digits + check
	fFedEx12               // FedEx Express 12 digits
	fFedEx15               // FedEx Ground 15 digits
	fSSCC                  // GS1 SSCC 18 digits, or 00 + SSCC (FedEx Ground)
	fFedEx96               // FedEx Ground 96 + 20 digits
	fFedEx34               // FedEx Express 34 digits and FedEx Ground GSN 96...
	fFedExASTRA            // FedEx ASTRA 32 digits
	fDHLExpress            // DHL Express waybill 10 or 11 digits
	fDHLPiece              // DHL Express piece ID: J + 2-3 letters + 9-10 digits
	fDHLeCom               // DHL eCommerce GM..., LX..., ...
	fDHLeCom14             // DHL eCommerce 14 digits
	fAmazonTBA             // Amazon Shipping / Logistics TBA...
	fAmazonIntl            // Amazon international: A, C or F + 10 digits
	fOnTrac                // OnTrac C or D + 13 digits + check
	fLaserShipLX           // LaserShip L + letter + 1-3 + 7 digits
	fLaserShip1LS          // LaserShip 1LS7 (15 and "-1" 18), 1LSCX
	fCanadaPost16          // Canada Post 16 digits
	fCanpar                // Canpar letter + 21 digits
	fDPD                   // DPD 14 digits + check, 27 digits + check
	fGOFO                  // GOFO GFUS + 14 digits
	fLandmark              // Landmark Global LTN + 8 digits + N1
	fOldDominion           // Old Dominion 11 digits, Luhn
	fPurolator12           // Purolator 12 digits, Luhn
	fPurolatorAlpha        // Purolator 3 letters + 9 digits
	fSpeeDee               // Spee-Dee SP + 18 digits
	fYodel                 // Yodel JJD / JD + 16 digits
	fYunExpress            // YunExpress YT + 16 digits
	f7DR12                 // Japanese 12-digit "7DR": 11 digits mod 7
	numFormats
)

// formatInfo describes a format for people: its name, and its shapes.
type formatInfo struct {
	name  string
	shape string
	lens  uint64 // bit i set: the format has numbers of i characters
}

func lens(ls ...int) uint64 {
	var m uint64
	for _, l := range ls {
		m |= 1 << l
	}
	return m
}

func (f format) info() formatInfo {
	switch f {
	case fUSPS20:
		return formatInfo{"USPS 20-digit", "20 digits", lens(20)}
	case fIMpb:
		return formatInfo{"USPS IMpb", "22 digits starting 91-95, 26 or 30 digits starting 92-95, or 420 + ZIP + those", lens(22, 26, 28, 30, 32, 34)}
	case fS10:
		return formatInfo{"UPU S10", "2 letters + 9 digits + country, e.g. RB123456785GB", lens(13)}
	case fUPS:
		return formatInfo{"UPS 1Z", "1Z + 16 letters or digits", lens(18)}
	case fUPSWaybill:
		return formatInfo{"UPS waybill", "A, H, J, K, T or V + 10 digits", lens(11)}
	case fFedEx12:
		return formatInfo{"FedEx Express 12-digit", "12 digits", lens(12)}
	case fFedEx15:
		return formatInfo{"FedEx Ground 15-digit", "15 digits", lens(15)}
	case fSSCC:
		return formatInfo{"GS1 SSCC", "18 digits, or 00 + 18 digits", lens(18, 20)}
	case fFedEx96:
		return formatInfo{"FedEx Ground 96", "22 digits starting 96", lens(22)}
	case fFedEx34:
		return formatInfo{"FedEx 34-digit", "34 digits", lens(34)}
	case fFedExASTRA:
		return formatInfo{"FedEx ASTRA", "32 digits starting 3", lens(32)}
	case fDHLExpress:
		return formatInfo{"DHL Express waybill", "10 or 11 digits", lens(10, 11)}
	case fDHLPiece:
		return formatInfo{"DHL Express piece ID", "J + 2-3 letters + 9-10 digits", lens(12, 13, 14)}
	case fDHLeCom:
		return formatInfo{"DHL eCommerce", "GM, LX, RX, UV, CN, SG, TH, IN, HK or MY + a digit + 9-38 letters or digits", 0x3FFFFFFF << 12} // 12 to 41
	case fDHLeCom14:
		return formatInfo{"DHL eCommerce 14-digit", "14 digits", lens(14)}
	case fAmazonTBA:
		return formatInfo{"Amazon TBA", "TBA, TBC or TBM + 12 digits", lens(15)}
	case fAmazonIntl:
		return formatInfo{"Amazon international", "A, C or F + 10 digits", lens(11)}
	case fOnTrac:
		return formatInfo{"OnTrac", "C or D + 14 digits", lens(15)}
	case fLaserShipLX:
		return formatInfo{"LaserShip L", "L + A, E, H, I, N or X + 1-3 + 7 digits", lens(10)}
	case fLaserShip1LS:
		return formatInfo{"LaserShip 1LS", "1LS7 + 11 digits, 1LS7 + 12 digits + -1, or 1LSCX + 10 letters or digits", lens(15, 17)}
	case fCanadaPost16:
		return formatInfo{"Canada Post 16-digit", "16 digits", lens(16)}
	case fCanpar:
		return formatInfo{"Canpar", "C, D, K, L, S, U, X or Z + 21 digits", lens(22)}
	case fDPD:
		return formatInfo{"DPD", "14 or 27 digits + a check letter or digit", lens(15, 28)}
	case fGOFO:
		return formatInfo{"GOFO", "GFUS + 14 digits", lens(18)}
	case fLandmark:
		return formatInfo{"Landmark LTN", "LTN + 8 digits + N1", lens(13)}
	case fOldDominion:
		return formatInfo{"Old Dominion", "11 digits starting 072, 777, 778, 780 or 80", lens(11)}
	case fPurolator12:
		return formatInfo{"Purolator 12-digit", "12 digits starting 0-5", lens(12)}
	case fPurolatorAlpha:
		return formatInfo{"Purolator alpha", "3 letters + 9 digits", lens(12)}
	case fSpeeDee:
		return formatInfo{"Spee-Dee", "SP + 18 digits", lens(20)}
	case fYodel:
		return formatInfo{"Yodel", "JJD or JD + 16 digits", lens(18, 19)}
	case fYunExpress:
		return formatInfo{"YunExpress", "YT + 16 digits", lens(18)}
	case f7DR12:
		return formatInfo{"12-digit 7DR", "12 digits", lens(12)}
	}
	return formatInfo{}
}

// fit is how a number fares against one format.
type fit struct {
	ok    bool
	shape bool    // the number has the format's layout; a check or rule failed
	got   byte    // the check character found, when a check failed
	want  [2]byte // the expected check character(s); want[1] is 0 unless two readings
	rule  string  // a structural rule that failed (static text)
}

var pass = fit{ok: true, shape: true}

// checkDigit compares a check character with the expected one.
func checkDigit(got, want byte) fit {
	if got == want {
		return pass
	}
	return fit{shape: true, got: got, want: [2]byte{want}}
}

func broke(rule string) fit { return fit{shape: true, rule: rule} }

// better returns the more useful of two fits: a pass, else a failed check
// digit, else a failed rule, else no shape.
func better(a, b fit) fit {
	switch {
	case a.ok:
		return a
	case b.ok:
		return b
	case a.got != 0:
		return a
	case b.got != 0:
		return b
	case a.shape:
		return a
	}
	return b
}

// validate runs format f on the normalised number n.
func (f format) validate(n []byte) fit {
	switch f {
	case fUSPS20:
		if len(n) == 20 && isDigits(n) {
			return legacy20(n)
		}
	case fIMpb:
		return impb(n)
	case fS10:
		return s10(n)
	case fUPS:
		return ups(n)
	case fUPSWaybill:
		if len(n) == 11 && isDigits(n[1:]) && oneOf(n[0], "AHJKTV") {
			return checkDigit(n[10], upsMod10(n[1:10]))
		}
	default:
		if f < fDHLExpress {
			return fedex(f, n)
		}
		return other(f, n)
	}
	return fit{}
}

// legacy20 checks a 20-digit USPS number. USPS printed these without the
// leading "91" application identifier of the 22-digit form, so the check
// digit fits either the 19 digits alone or (when they do not already start
// with 91) the 19 digits behind an implied 91 (docs/tracking.md
// "Two levels").
func legacy20(n []byte) fit {
	bare := gs1(n[:19])
	if n[19] == bare || hasPrefix(n, "91") {
		return checkDigit(n[19], bare)
	}
	// The implied "9" and "1" sit at positions 20 and 19 from the right,
	// weighted 3 and 1: they add 28 to the bare sum.
	with91 := byte('0' + (int(bare-'0')+10-8)%10)
	if n[19] == with91 {
		return pass
	}
	return fit{shape: true, got: n[19], want: [2]byte{bare, with91}}
}

// impb checks the USPS Intelligent Mail package barcode forms (Publication
// 199): a package identification code (PIC) of 22, 26 or 30 digits, alone or
// behind a "420" + ZIP5 / ZIP9 routing code.
func impb(n []byte) fit {
	switch len(n) {
	case 22, 26, 28, 30, 32, 34:
	default:
		return fit{}
	}
	if !isDigits(n) {
		return broke("USPS IMpb numbers are all digits")
	}
	routed := hasPrefix(n, "420")
	switch len(n) {
	case 22, 26:
		return pic(n)
	case 30: // a 30-digit PIC, or 420 + ZIP5 + 22
		r := pic(n)
		if routed {
			r = better(r, pic(n[8:]))
		}
		return r
	case 34: // 420 + ZIP9 + 22, or 420 + ZIP5 + 26
		if routed {
			return better(pic(n[12:]), pic(n[8:]))
		}
	case 28: // 420 + ZIP5 + 20 legacy
		if routed {
			return legacy20(n[8:])
		}
	case 32: // 420 + ZIP9 + 20 legacy
		if routed {
			return legacy20(n[12:])
		}
	}
	return broke("USPS numbers of 28, 32 or 34 digits start 420 (the ZIP routing code)")
}

// pic checks a package identification code: the legacy 22-digit "91" form,
// or an IMpb PIC: application identifier 92-95, 3-digit service type,
// Mailer ID of 9 digits (starting 9) or 6 digits (not starting 9), serial,
// and a mod 10 check digit. 94 is the non-commercial "N" form; 92 needs the
// 9-digit Mailer ID and 93 the 6-digit one; only N has 30 digits.
func pic(b []byte) fit {
	last := len(b) - 1
	if len(b) == 22 && hasPrefix(b, "91") {
		return checkDigit(b[last], gs1(b[:last]))
	}
	if b[0] != '9' || b[1] < '2' || b[1] > '5' {
		if len(b) == 22 {
			return broke("USPS 22-digit numbers start 91 to 95")
		}
		return broke("USPS IMpb numbers start 92, 93, 94 or 95")
	}
	mid9 := b[5] == '9'
	switch {
	case len(b) == 30 && (b[1] != '4' || !mid9):
		return broke("30-digit USPS IMpb numbers start 94 and carry a 9-digit Mailer ID")
	case b[1] == '2' && !mid9:
		return broke("USPS IMpb numbers starting 92 carry a 9-digit Mailer ID (6th digit 9)")
	case b[1] == '3' && mid9:
		return broke("USPS IMpb numbers starting 93 carry a 6-digit Mailer ID (6th digit not 9)")
	}
	return checkDigit(b[last], gs1(b[:last]))
}

// s10 checks a UPU S10 item identifier (UPU standard S10): 2 letters of
// service indicator, 8 serial digits, a mod 11 check digit, and the ISO 3166-1
// alpha-2 code of the issuing postal operator's country.
func s10(n []byte) fit {
	if len(n) != 13 || !isUpper(n[:2]) || !isDigits(n[2:11]) || !isUpper(n[11:]) {
		return fit{}
	}
	if r := checkDigit(n[10], s10Check(n[2:10])); !r.ok {
		return r
	}
	if !isCountry(n[11], n[12]) {
		return broke("S10 numbers end with a country code (ISO 3166-1)")
	}
	return pass
}

// ups checks a UPS 1Z number: 1Z, a 6-character shipper number, a 2-character
// service code, a 7-character package number, and a check digit (UPS's
// published mod 10 over the 15 characters after 1Z).
func ups(n []byte) fit {
	if len(n) != 18 {
		return fit{}
	}
	if !hasPrefix(n, "1Z") {
		return broke("UPS 18-character numbers start 1Z")
	}
	if !isAlnum(n[2:17]) || !isDigits(n[17:]) {
		return broke("UPS 1Z numbers are letters and digits ending in a check digit")
	}
	return checkDigit(n[17], upsMod10(n[2:17]))
}

func oneOf(c byte, set string) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == c {
			return true
		}
	}
	return false
}
