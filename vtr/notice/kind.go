package notice

import (
	"slices"
	"strings"

	"github.com/vtrbot/vtrbot/vtr"
)

// metricNames are the names of each metric in lower case (docs/notices.md
// "metric" and "Languages and phrases"), matched as words of their own.
var metricNames = []struct {
	metric vtr.Metric
	names  []string
}{
	{vtr.MetricVTR, []string{"valid tracking rate", "vtr", "rate gültiger sendungsverfolgungsnummern", "rate gültiger trackingnummern",
		"taux de suivi valide", "percentuale di spedizioni tracciabili", "tasso di tracciabilità valida", "tasa de seguimiento válido",
		"porcentaje de seguimiento válido", "índice de seguimiento válido", "追跡可能率", "有効な追跡率"}},
	{vtr.MetricLateShipment, []string{"late shipment rate", "late dispatch rate", "lsr", "ldr", "rate verspäteter lieferungen",
		"rate verspäteter versendungen", "quote verspäteter lieferungen", "taux d'expédition en retard", "taux d'expéditions en retard",
		"percentuale di spedizioni in ritardo", "tasso di spedizioni in ritardo", "tasa de envíos con retraso", "tasa de envíos tardíos",
		"porcentaje de envíos con retraso", "出荷遅延率"}},
	{vtr.MetricCancel, []string{"pre-fulfillment cancel rate", "pre-fulfilment cancel rate", "pre-fulfillment cancellation rate",
		"pre-fulfilment cancellation rate", "cancellation rate", "cancel rate", "stornoquote", "stornorate", "rate der stornierungen",
		"taux d'annulation", "percentuale di cancellazione", "tasso di cancellazione", "tasa de cancelación", "出荷前キャンセル率"}},
	{vtr.MetricOrderDefect, []string{"order defect rate", "odr", "rate an bestellmängeln", "bestellmängelquote",
		"taux de défaut de commande", "taux de défauts de commande", "percentuale di ordini difettosi", "tasso di difettosità degli ordini",
		"tasa de defectos en pedidos", "tasa de pedidos defectuosos", "índice de pedidos defectuosos", "注文不良率"}},
	{vtr.MetricOnTime, []string{"on-time delivery rate", "on time delivery rate", "otdr", "rate pünktlicher lieferungen",
		"taux de livraison à temps", "taux de livraisons dans les délais", "percentuale di consegne puntuali", "tasa de entregas a tiempo",
		"tasa de entrega a tiempo", "時間通りの配達率", "期日内配達率"}},
	{vtr.MetricAccountHealth, []string{"account health rating", "ahr", "kontozustandsbewertung", "bewertung des kontozustands",
		"évaluation de l'état du compte", "valutazione dello stato dell'account", "calificación del estado de la cuenta",
		"アカウント健全性評価"}},
}

// higherIsBetter says which way a metric misses its target.
func higherIsBetter(m vtr.Metric) bool {
	return m == vtr.MetricVTR || m == vtr.MetricOnTime || m == vtr.MetricAccountHealth
}

// mention is one metric name in a text.
type mention struct {
	pos    int
	metric vtr.Metric
}

// mentions returns every metric name in d, in text order, found once.
func (d *doc) metricMentions() []mention {
	if d.mentions != nil {
		return d.mentions
	}
	d.mentions = []mention{}
	present := map[string]bool{}
	for _, mn := range metricNames {
		for _, name := range mn.names {
			// Most names share a word ("rate", "taux"): look for it once.
			a := anchor(name)
			has, ok := present[a]
			if !ok {
				has = strings.Contains(d.low, a)
				present[a] = has
			}
			if !has {
				continue
			}
			for from := 0; ; {
				i := indexWord(d.low, name, from)
				if i < 0 {
					break
				}
				d.mentions = append(d.mentions, mention{i, mn.metric})
				from = i + len(name)
			}
		}
	}
	slices.SortStableFunc(d.mentions, func(a, b mention) int { return a.pos - b.pos })
	return d.mentions
}

// anchor returns the longest word of a metric name.
func anchor(name string) string {
	best := ""
	for w := range strings.FieldsSeq(name) {
		if len(w) > len(best) {
			best = w
		}
	}
	return best
}

// sentenceMetric returns the first metric sentence si names.
func (d *doc) sentenceMetric(si int) vtr.Metric {
	s := d.sents[si]
	for _, m := range d.metricMentions() {
		if m.pos >= s.start && m.pos < s.end {
			return m.metric
		}
		if m.pos >= s.end {
			break
		}
	}
	return ""
}

// firstMetric returns the metric low names first, and where.
func firstMetric(low string) (vtr.Metric, int) {
	best, pos := vtr.Metric(""), -1
	for _, mn := range metricNames {
		for _, name := range mn.names {
			end := len(low)
			if pos >= 0 {
				end = min(len(low), pos+len(name))
			}
			if i := indexWord(low[:end], name, 0); i >= 0 && (pos < 0 || i < pos) {
				best, pos = mn.metric, i
			}
		}
	}
	return best, pos
}

// Phrases saying a metric misses or risks its target (docs/notices.md "Kind" 4),
// by which way they point.
var (
	missAny = []string{"does not meet", "do not meet", "did not meet", "doesn't meet", "don't meet", "not meeting",
		"fails to meet", "failed to meet", "at risk of deactivation", "at risk of being deactivated", "is at risk", "are at risk",
		"erfüllt nicht", "nicht erfüllt", "gefahr einer deaktivierung", "ne respecte pas", "n'atteint pas", "ne répond pas",
		"risque de désactivation", "non soddisfa", "non rispetta", "rischio di disattivazione", "no cumple", "riesgo de desactivación",
		"満たしていません", "満たしておりません", "達していません", "停止される可能性"}
	missLow = []string{"is below", "are below", "was below", "fallen below", "fell below", "dropped below", "falls below",
		"is lower than", "liegt unter", "lag unter", "ist unter", "unter dem zielwert", "est inférieur", "sont inférieur",
		"est en dessous", "est en deçà", "è inferiore", "è al di sotto", "sono inferiori", "es inferior", "está por debajo",
		"son inferiores", "を下回って", "下回っています"}
	missHigh = []string{"is higher than", "are higher than", "is above", "are above", "is greater than", "exceeds", "exceeded",
		"has risen above", "liegt über", "ist höher als", "über dem zielwert", "est supérieur", "dépasse", "è superiore",
		"supera", "es superior", "está por encima", "を上回って", "上回っています", "超えています"}
	// Deactivation: something has been taken away (docs/notices.md "Kind" 3).
	deactivated = []string{"we have deactivated", "has been deactivated", "have been deactivated", "we deactivated",
		"we have removed your selling privileges", "removed your selling privileges", "you currently may not sell",
		"how do i reactivate my account", "has been suspended", "have been suspended", "we have suspended",
		"wurde deaktiviert", "wurden deaktiviert", "haben wir deaktiviert", "wir haben ihr verkäuferkonto deaktiviert",
		"wir haben ihr konto deaktiviert", "wie kann ich mein konto reaktivieren", "a été désactivé", "ont été désactivé",
		"nous avons désactivé", "comment réactiver mon compte", "comment puis-je réactiver mon compte", "è stato disattivato",
		"è stata disattivata", "sono stati disattivati", "abbiamo disattivato", "come posso riattivare il mio account",
		"ha sido desactivad", "han sido desactivad", "hemos desactivado", "cómo puedo reactivar mi cuenta",
		"停止しました", "停止されました", "無効化されました", "無効にしました"}
	// Words of a threshold.
	targetWords = []string{"requirement", "required", "target", "goal", "threshold", "limit", "benchmark", "minimum",
		"at least", "less than", "lower than", "more than", "higher than", "below", "under ", "above", "maintain", "keep",
		"zielwert", "ziel", "vorgabe", "anforderung", "weniger als", "mindestens", "unter ", "über ", "objectif", "seuil",
		"exigence", "moins de", "au moins", "inférieur", "supérieur", "obiettivo", "soglia", "requisito", "meno del",
		"almeno", "inferiore", "superiore", "objetivo", "umbral", "menos del", "al menos", "inferior", "superior",
		"目標", "基準", "要件"}
	targetAfter = []string{"requirement", "target", "goal", "threshold", "or higher", "or more", "or above", "or better",
		"or less", "or lower", "or below", "未満", "以上", "以下", "を下回", "を上回", "の目標", "という目標"}
	conditionals = []string{"if ", "unless ", "whether ", "wenn ", "falls ", "sofern ", "si ", "s'il ", "se ", "qualora ",
		"もし", "場合"}
	supportNames = []string{"selling partner support", "seller support", "partner support", "verkäuferservice",
		"verkäufer-support", "partner-support", "support vendeur", "support partenaires", "supporto partner",
		"assistenza venditori", "supporto venditori", "soporte para vendedores", "soporte de socios",
		"出品パートナーサポート", "セラーサポート", "出品者サポート", "テクニカルサポート"}
)

// sentence returns the i-th sentence of d, original and lower case.
func (d *doc) sentence(i int) (string, string) {
	s := d.sents[i]
	return d.flat[s.start:s.end], d.low[s.start:s.end]
}

// conditional reports whether the phrase at i of sentence low is under a
// condition ("If your rate falls below ..."): a warning only when it holds.
func conditional(low string, i int) bool {
	before := " " + low[:i]
	for _, c := range conditionals {
		if strings.Contains(before, " "+c) || (c == "もし" || c == "場合") && strings.Contains(low, c) {
			return true
		}
	}
	return false
}

// warning finds the sentence that says a metric misses or risks its target
// and the metric it names. It returns -1 when there is none.
func (d *doc) warning(docMetric vtr.Metric) (int, vtr.Metric) {
	if !containsAny(d.low, missAny) && !containsAny(d.low, missLow) && !containsAny(d.low, missHigh) {
		return -1, ""
	}
	for si := range d.sents {
		_, low := d.sentence(si)
		sm := d.sentenceMetric(si)
		m := sm
		if m == "" {
			m = docMetric
		}
		hit := func(words []string, dir int) bool {
			for _, w := range words {
				i := strings.Index(low, w)
				if i < 0 || conditional(low, i) {
					continue
				}
				if strings.HasPrefix(w, "at risk") || strings.Contains(w, "risk") {
					return true
				}
				if sm == "" && !strings.Contains(low, "%") && !containsAny(low, targetWords) {
					continue
				}
				switch {
				case dir == 0, m == "":
					return true
				case dir < 0 && higherIsBetter(m), dir > 0 && !higherIsBetter(m):
					return true
				}
			}
			return false
		}
		if hit(missAny, 0) || hit(missLow, -1) || hit(missHigh, 1) {
			return si, m
		}
	}
	return -1, ""
}

// deactivation reports whether a sentence says something has been taken
// away; threats ("will be deactivated") and risks are not.
func (d *doc) deactivation() bool {
	if !containsAny(d.low, deactivated) {
		return false
	}
	for si := range d.sents {
		_, low := d.sentence(si)
		for _, w := range deactivated {
			if i := strings.Index(low, w); i >= 0 && !conditional(low, i) {
				return true
			}
		}
	}
	return false
}

// supportVoice reports whether the own text opens the way Seller Support
// writes ("Hello from Amazon Selling Partner Support").
func (d *doc) supportVoice() bool {
	for _, l := range d.lowLines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		return opensAsSupport(strings.TrimSpace(collapse(l)))
	}
	return false
}

// Words that may stand before Seller Support's name on its opening line:
// "Hello from Amazon Selling Partner Support", "Hallo vom Amazon
// Partner-Support", "Amazon出品パートナーサポートです".
var supportLead = []string{"hello", "hi", "greetings", "hallo", "guten tag", "bonjour", "buongiorno", "salve", "ciao",
	"hola", "saludos", "こんにちは", "from", "vom", "von", "de la part du", "de la part de", "da", "dal", "del", "de",
	"the", "your", "amazon.com", "amazon", ",", "、"}

func opensAsSupport(l string) bool {
	for changed := true; changed; {
		changed = false
		for _, w := range supportLead {
			if strings.HasPrefix(l, w) && (len(l) == len(w) || !isAlnum(l[len(w)]) || !isAlnum(w[0])) {
				l = strings.TrimLeft(l[len(w):], " ")
				changed = true
			}
		}
	}
	for _, n := range supportNames {
		if strings.HasPrefix(l, n) {
			return true
		}
	}
	return false
}
