package tracking

// countries holds the 249 officially assigned ISO 3166-1 alpha-2 codes,
// sorted, one after another. UPU S10 ends an item identifier with the code
// of the issuing postal operator's country, so a code outside this list
// (XX, ZZ, ...) makes the number invalid. The list is ISO's, not the UPU
// membership: territories with their own posts (MO, GL, PF, ...) issue S10
// numbers too.
const countries = "" +
	"ADAEAFAGAIALAMAOAQARASATAUAWAXAZ" +
	"BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ" +
	"CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZ" +
	"DEDJDKDMDODZ" +
	"ECEEEGEHERESET" +
	"FIFJFKFMFOFR" +
	"GAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY" +
	"HKHMHNHRHTHU" +
	"IDIEILIMINIOIQIRISIT" +
	"JEJMJOJP" +
	"KEKGKHKIKMKNKPKRKWKYKZ" +
	"LALBLCLILKLRLSLTLULVLY" +
	"MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ" +
	"NANCNENFNGNINLNONPNRNUNZ" +
	"OM" +
	"PAPEPFPGPHPKPLPMPNPRPSPTPWPY" +
	"QA" +
	"RERORSRURW" +
	"SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ" +
	"TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ" +
	"UAUGUMUSUYUZ" +
	"VAVCVEVGVIVNVU" +
	"WFWS" +
	"YEYT" +
	"ZAZMZW"

// isCountry reports whether a, b is an assigned ISO 3166-1 alpha-2 code.
func isCountry(a, b byte) bool {
	lo, hi := 0, len(countries)/2
	for lo < hi {
		m := (lo + hi) / 2
		ca, cb := countries[2*m], countries[2*m+1]
		switch {
		case ca == a && cb == b:
			return true
		case ca < a || ca == a && cb < b:
			lo = m + 1
		default:
			hi = m
		}
	}
	return false
}
