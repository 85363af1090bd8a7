package tracking

// Check-digit algorithms. Each takes the data characters (check digit
// excluded) and returns the expected check digit as an ASCII byte. Callers
// have already verified the character set; none of them allocates.

// isDigits reports whether b is non-empty and all ASCII digits.
func isDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isUpper reports whether b is all ASCII upper-case letters.
func isUpper(b []byte) bool {
	for _, c := range b {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// isAlnum reports whether b is all ASCII digits and upper-case letters.
func isAlnum(b []byte) bool {
	for _, c := range b {
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// hasPrefix is strings.HasPrefix for a byte slice and a string.
func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}

// gs1 is the GS1 / USPS mod 10: weights 3 and 1 alternating from the right,
// 3 on the rightmost data digit (GS1 General Specifications §7.9; USPS
// Publication 199 "Check digit"). It also serves FedEx Ground and Canada
// Post, whose published 1,3 / 3,1 weights from the left are this same rule
// for their odd data lengths.
func gs1(data []byte) byte {
	sum := 0
	three := true
	for i := len(data) - 1; i >= 0; i-- {
		d := int(data[i] - '0')
		if three {
			d *= 3
		}
		sum += d
		three = !three
	}
	return byte('0' + (10-sum%10)%10)
}

// upsValue is a character's value in UPS's check digit: a digit is itself, a
// letter is (ASCII - 3) mod 10 (A=2 ... H=9, I=0, J=1, ...).
func upsValue(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	return int(c-3) % 10
}

// upsMod10 is UPS's published check digit: from the left, characters at odd
// 1-based positions weigh 1 and at even positions 2 (a plain doubling, no
// Luhn digit sum); the check digit brings the sum to a multiple of 10.
func upsMod10(data []byte) byte {
	sum := 0
	for i, c := range data {
		v := upsValue(c)
		if i%2 == 1 {
			v *= 2
		}
		sum += v
	}
	return byte('0' + (10-sum%10)%10)
}

// fedexMod11 is FedEx Express's check digit: weights 1, 3, 7 repeating from
// the rightmost data digit, sum mod 11, then mod 10 (11-10 = a remainder of
// 10 gives 0).
func fedexMod11(data []byte) byte {
	sum := 0
	w := 0
	for i := len(data) - 1; i >= 0; i-- {
		d := int(data[i] - '0')
		switch w {
		case 0:
			sum += d
		case 1:
			sum += 3 * d
		case 2:
			sum += 7 * d
		}
		w = (w + 1) % 3
	}
	return byte('0' + sum%11%10)
}

// mod7 is the remainder of the data digits, read as one decimal integer,
// divided by 7 (DHL Express; the Japanese "7DR" of Yamato and Sagawa).
func mod7(data []byte) byte {
	r := 0
	for _, c := range data {
		r = (r*10 + int(c-'0')) % 7
	}
	return byte('0' + r)
}

// s10Weights are the UPU S10 weights of the 8 serial digits.
var s10Weights = [8]int{8, 6, 4, 2, 3, 5, 9, 7}

// s10Check is UPU S10's check digit (S10-12 §5.2): 11 minus the weighted sum
// mod 11, where 10 becomes 0 and 11 becomes 5.
func s10Check(serial []byte) byte {
	sum := 0
	for i, c := range serial {
		sum += int(c-'0') * s10Weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return '0'
	case 11:
		return '5'
	default:
		return byte('0' + c)
	}
}

// luhn is the Luhn (ISO/IEC 7812-1) check digit: from the rightmost data
// digit, every second digit is doubled and reduced by 9 when over 9.
func luhn(data []byte) byte {
	sum := 0
	double := true
	for i := len(data) - 1; i >= 0; i-- {
		d := int(data[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// alnum36 is the ISO/IEC 7064 MOD 37,36 alphabet.
const alnum36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// mod3736 is the ISO/IEC 7064 hybrid MOD 37,36 check character over digits
// and upper-case letters (DPD parcel numbers).
func mod3736(data []byte) byte {
	p := 36
	for _, c := range data {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		s := (p + v) % 36
		if s == 0 {
			s = 36
		}
		p = s * 2 % 37
	}
	return alnum36[(37-p)%36]
}
