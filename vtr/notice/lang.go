package notice

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Frequent short words of each language, for telling the own text's
// language (docs/notices.md "language"). Words shared by several languages are in
// each of them; the counts decide.
var stopwords = map[string][]string{
	"en": {"the", "and", "your", "you", "is", "are", "of", "to", "for", "with", "this", "that", "have", "has", "we", "our", "please", "orders", "rate", "on", "in", "be", "not"},
	"de": {"der", "die", "das", "und", "ist", "sie", "ihre", "ihr", "wir", "nicht", "mit", "von", "für", "den", "dem", "bitte", "bestellungen", "liegt", "zu", "auf", "ihnen", "unter", "werden", "wurde"},
	"fr": {"le", "la", "les", "et", "est", "vous", "votre", "vos", "des", "du", "nous", "pour", "avec", "une", "pas", "dans", "sur", "au", "commandes", "taux", "été", "à"},
	"it": {"il", "gli", "di", "che", "per", "con", "una", "della", "sono", "nostro", "suo", "ordini", "non", "ai", "dei", "è", "questa", "ha", "stato", "tuo", "tua", "nel"},
	"es": {"el", "los", "las", "y", "es", "su", "sus", "que", "para", "con", "una", "del", "por", "pedidos", "no", "se", "está", "usted", "ha", "sido", "tasa", "en"},
}

var stopwordLang = func() map[string][]string {
	m := map[string][]string{}
	for lang, words := range stopwords {
		for _, w := range words {
			m[w] = append(m[w], lang)
		}
	}
	return m
}()

// detectLanguage returns the ISO 639-1 code of text (the subject helps a
// short body): ja when it has kana or enough kanji, else the language whose
// common words it uses most; en on a tie. "" when there is no text at all.
func detectLanguage(subject, text string) string {
	s := text
	if len(s) > 4000 {
		s = s[:4000]
	}
	s = subject + "\n" + s
	if strings.TrimSpace(s) == "" {
		return ""
	}
	kana, han, letters := 0, 0, 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Hiragana, unicode.Katakana):
			kana++
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if kana >= 3 || han+kana > letters/4 && han+kana >= 4 {
		return "ja"
	}
	score := map[string]int{}
	low := lowerSameLen(s)
	for i := 0; i < len(low); {
		r, size := utf8.DecodeRuneInString(low[i:])
		if !unicode.IsLetter(r) {
			i += size
			continue
		}
		j := i + size
		for j < len(low) {
			r, size := utf8.DecodeRuneInString(low[j:])
			if !unicode.IsLetter(r) {
				break
			}
			j += size
		}
		if j-i <= 12 {
			for _, lang := range stopwordLang[low[i:j]] {
				score[lang]++
			}
		}
		i = j
	}
	best, bestN := "en", score["en"]
	for _, lang := range []string{"de", "fr", "it", "es"} {
		if score[lang] > bestN {
			best, bestN = lang, score[lang]
		}
	}
	return best
}
