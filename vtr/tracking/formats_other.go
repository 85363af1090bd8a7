package tracking

// fedex checks the FedEx formats. FedEx Express numbers use the mod 11 check
// with weights 1, 3, 7 from the right; FedEx Ground numbers the GS1 mod 10
// (FedEx's published 1,3 weights from the left over 14 data digits).
func fedex(f format, n []byte) fit {
	if !isDigits(n) {
		return fit{}
	}
	switch f {
	case fFedEx12:
		if len(n) == 12 {
			return checkDigit(n[11], fedexMod11(n[:11]))
		}
	case fFedEx15:
		if len(n) == 15 {
			return checkDigit(n[14], gs1(n[:14]))
		}
	case fSSCC:
		// An SSCC is an extension digit, a GS1 company prefix and serial
		// (17 data digits) and a GS1 check digit; printed behind its
		// application identifier 00 it has 20 digits.
		switch {
		case len(n) == 18:
			return checkDigit(n[17], gs1(n[:17]))
		case len(n) == 20 && hasPrefix(n, "00"):
			return checkDigit(n[19], gs1(n[2:19]))
		}
	case fFedEx96:
		// 96, 2-digit SCNC, 3-digit service, 7-digit shipper, 7-digit
		// package, check over the 14 shipper and package digits.
		if len(n) == 22 {
			if !hasPrefix(n, "96") {
				return broke("FedEx 22-digit numbers start 96")
			}
			return checkDigit(n[21], gs1(n[7:21]))
		}
	case fFedEx34:
		// FedEx Express 34 (first digit 0-8) and FedEx Ground GSN (96...)
		// both end in a 13-digit serial and its mod 11 check digit.
		if len(n) == 34 {
			if n[0] == '9' && n[1] != '6' {
				return broke("FedEx 34-digit numbers start 0 to 8, or 96")
			}
			return checkDigit(n[33], fedexMod11(n[20:33]))
		}
	case fFedExASTRA:
		// 3, 5 + 3 + 7 routing digits, the 11-digit serial and its mod 11
		// check digit, then 4 more digits.
		if len(n) == 32 {
			if n[0] != '3' {
				return broke("FedEx 32-digit numbers start 3")
			}
			return checkDigit(n[27], fedexMod11(n[16:27]))
		}
	}
	return fit{}
}

// dhlECommercePrefixes are DHL eCommerce's two-letter prefixes.
const dhlECommercePrefixes = "GMLXRXUVCNSGTHINHKMY"

// other checks the formats of the remaining carriers.
func other(f format, n []byte) fit {
	l := len(n)
	switch f {
	case fDHLExpress:
		// A DHL Express waybill: 9 or 10 digits and their remainder mod 7.
		if (l == 10 || l == 11) && isDigits(n) {
			return checkDigit(n[l-1], mod7(n[:l-1]))
		}
	case fDHLPiece:
		if l >= 12 && l <= 14 && n[0] == 'J' {
			k := 1
			for k < l && n[k] >= 'A' && n[k] <= 'Z' {
				k++
			}
			if (k == 3 || k == 4) && (l-k == 9 || l-k == 10) && isDigits(n[k:]) {
				return pass
			}
		}
	case fDHLeCom:
		if l >= 12 && l <= 41 && pairIn(n[0], n[1], dhlECommercePrefixes) && n[2] >= '0' && n[2] <= '9' && isAlnum(n[3:]) {
			return pass
		}
	case fDHLeCom14:
		if l == 14 && isDigits(n) {
			return pass
		}
	case fAmazonTBA:
		if l == 15 && hasPrefix(n, "TB") && oneOf(n[2], "ACM") && isDigits(n[3:]) {
			return pass
		}
	case fAmazonIntl:
		if l == 11 && oneOf(n[0], "ACF") && isDigits(n[1:]) {
			return pass
		}
	case fOnTrac:
		// C or D, 13 digits, check digit: UPS's mod 10 over the letter and
		// the 13 digits (the letter counts 4 or 5, as in UPS's mapping).
		if l == 15 && (n[0] == 'C' || n[0] == 'D') && isDigits(n[1:]) {
			return checkDigit(n[14], upsMod10(n[:14]))
		}
	case fLaserShipLX:
		if l == 10 && n[0] == 'L' && oneOf(n[1], "AEHINX") && n[2] >= '1' && n[2] <= '3' && isDigits(n[3:]) {
			return pass
		}
	case fLaserShip1LS:
		return laserShip1LS(n)
	case fCanadaPost16:
		if l == 16 && isDigits(n) {
			return checkDigit(n[15], gs1(n[:15]))
		}
	case fCanpar:
		if l == 22 && oneOf(n[0], "CDKLSUXZ") && isDigits(n[1:]) {
			return pass
		}
	case fDPD:
		// A DPD parcel number (14 digits) or its 27-digit barcode form (postcode,
		// parcel number, service, country), then an ISO 7064 MOD 37,36 check.
		if (l == 15 || l == 28) && isDigits(n[:l-1]) && isAlnum(n[l-1:]) {
			return checkDigit(n[l-1], mod3736(n[:l-1]))
		}
	case fGOFO:
		if l == 18 && hasPrefix(n, "GFUS") && isDigits(n[4:]) {
			return pass
		}
	case fLandmark:
		if l == 13 && hasPrefix(n, "LTN") && isDigits(n[3:11]) && n[11] == 'N' && n[12] == '1' {
			return pass
		}
	case fOldDominion:
		// A PRO number: an 072, 777, 778 or 780 prefix (or 80 for
		// guaranteed shipments), 10 digits in all, and a Luhn check digit.
		if l == 11 && isDigits(n) && (hasPrefix(n, "80") || hasPrefix(n, "072") ||
			hasPrefix(n, "777") || hasPrefix(n, "778") || hasPrefix(n, "780")) {
			return checkDigit(n[10], luhn(n[:10]))
		}
	case fPurolator12:
		if l == 12 && isDigits(n) && n[0] <= '5' {
			return checkDigit(n[11], luhn(n[:11]))
		}
	case fPurolatorAlpha:
		if l == 12 && isUpper(n[:3]) && isDigits(n[3:]) {
			return pass
		}
	case fSpeeDee:
		if l == 20 && hasPrefix(n, "SP") && isDigits(n[2:]) {
			return pass
		}
	case fYodel:
		if (l == 19 && hasPrefix(n, "JJD") || l == 18 && hasPrefix(n, "JD")) && isDigits(n[l-16:]) {
			return pass
		}
	case fYunExpress:
		if l == 18 && hasPrefix(n, "YT") && isDigits(n[2:]) {
			return pass
		}
	case f7DR12:
		// Yamato and Sagawa: 11 digits and their remainder mod 7 ("7DR").
		if l == 12 && isDigits(n) {
			return checkDigit(n[11], mod7(n[:11]))
		}
	}
	return fit{}
}

// laserShip1LS checks LaserShip's 1LS numbers. The 18-character form ends in
// "-1" (the piece number), so after Normalize removes the dash it is read as
// 17 characters ending in 1 (docs/tracking.md "Normalisation"); "-2" is not a
// form LaserShip prints.
func laserShip1LS(n []byte) fit {
	switch {
	case len(n) == 15 && hasPrefix(n, "1LSCX"):
		if isAlnum(n[5:]) {
			return pass
		}
	case len(n) == 15 && hasPrefix(n, "1LS7"):
		if (n[4] == '1' || n[4] == '2') && isDigits(n[5:]) {
			return pass
		}
	case len(n) == 17 && hasPrefix(n, "1LS7"):
		if (n[4] == '1' || n[4] == '2') && isDigits(n[5:]) && n[7] == '0' && n[8] == '1' &&
			n[9] >= '1' && n[9] <= '4' && n[16] == '1' {
			return pass
		}
	}
	return fit{}
}

// pairIn reports whether the two characters a, b are one of the pairs in set.
func pairIn(a, b byte, set string) bool {
	for i := 0; i+1 < len(set); i += 2 {
		if set[i] == a && set[i+1] == b {
			return true
		}
	}
	return false
}
