package notice

import (
	"slices"
	"testing"

	"github.com/vtrbot/vtrbot/vtr"
)

// TestParse_orderCountForms: a Support reply's order count in every form
// the rule allows (docs/notices.md "claims": N is digits or a number word), zero
// included, in each language the parser reads. "No orders" and its
// translations are no count.
func TestParse_orderCountForms(t *testing.T) {
	opening := map[string]string{
		"en": "Hello from Amazon Selling Partner Support,\n\n",
		"de": "Hallo vom Amazon Partner-Support,\n\n",
		"fr": "Bonjour de la part du Support Partenaires,\n\n",
		"it": "Buongiorno dal Supporto Partner,\n\n",
		"es": "Hola del Soporte para vendedores,\n\n",
		"ja": "Amazon出品パートナーサポートです。\n\n",
	}
	none := -1
	tests := []struct {
		lang, text string
		count      int // -1: no order_count claim
		days       int
	}{
		{"en", "Our records show 0 orders for the past 365 days.", 0, 365},
		{"en", "Your account had zero orders in the last 90 days.", 0, 90},
		{"en", "There is 1 order in the last 365 days.", 1, 365},
		{"en", "We see one unshipped order over the past 365 days.", 1, 365},
		{"en", "We see twelve orders over the last 30 days.", 12, 30},
		{"en", "You had 86 seller-fulfilled orders during the last 60 days.", 86, 60},
		{"en", "You had 1,234 orders in the last 365 days.", 1234, 365},
		{"en", "You had no orders in the last 30 days.", none, 0},
		{"de", "Ihr Konto hatte 0 Bestellungen in den letzten 365 Tagen.", 0, 365},
		{"de", "Ihr Konto hatte null Bestellungen in den letzten 30 Tagen.", 0, 30},
		{"de", "Wir sehen eine Bestellung in den letzten 365 Tagen.", 1, 365},
		{"de", "Wir sehen zwölf Bestellungen in den letzten 30 Tagen.", 12, 30},
		{"de", "Ihr Konto hatte 1.234 Bestellungen in den letzten 365 Tagen.", 1234, 365},
		{"de", "Ihr Konto hatte keine Bestellungen in den letzten 30 Tagen.", none, 0},
		{"fr", "Votre compte compte 0 commande au cours des 365 derniers jours.", 0, 365},
		{"fr", "Votre compte compte zéro commande au cours des 30 derniers jours.", 0, 30},
		{"fr", "Nous voyons une commande au cours des 365 derniers jours.", 1, 365},
		{"fr", "Nous voyons 1 234 commandes au cours des 365 derniers jours.", 1234, 365},
		{"fr", "Nous ne voyons aucune commande au cours des 30 derniers jours.", none, 0},
		{"it", "Il suo account ha 0 ordini negli ultimi 365 giorni.", 0, 365},
		{"it", "Il suo account ha zero ordini negli ultimi 30 giorni.", 0, 30},
		{"it", "Vediamo un ordine negli ultimi 365 giorni.", 1, 365},
		{"it", "Vediamo 1.234 ordini negli ultimi 365 giorni.", 1234, 365},
		{"it", "Non vediamo nessun ordine negli ultimi 30 giorni.", none, 0},
		{"es", "Su cuenta tiene 0 pedidos en los últimos 365 días.", 0, 365},
		{"es", "Su cuenta tiene cero pedidos en los últimos 30 días.", 0, 30},
		{"es", "Vemos un pedido en los últimos 365 días.", 1, 365},
		{"es", "Vemos 1.234 pedidos en los últimos 365 días.", 1234, 365},
		{"es", "No vemos ningún pedido en los últimos 30 días.", none, 0},
		{"ja", "過去365日間に0件の注文がありました。", 0, 365},
		{"ja", "過去３６５日間に０件の注文がありました。", 0, 365},
		{"ja", "過去365日間に1件の注文がありました。", 1, 365},
		{"ja", "過去30日間に1,234件の注文がありました。", 1234, 30},
		{"ja", "過去365日間の注文は0件です。", 0, 365},
		{"ja", "過去365日間に一件の注文がありました。", 1, 365},
		{"ja", "過去365日間に注文はありません。", none, 0},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.text, func(t *testing.T) {
			n := ParseBytes(testMail("seller-support@amazon.com", "Your question", opening[tt.lang]+tt.text))
			if n.Kind != vtr.KindSupportReply {
				t.Fatalf("kind %s, want support_reply", n.Kind)
			}
			var got []vtr.Claim
			for _, c := range n.Claims {
				if c.Type == vtr.ClaimOrderCount {
					got = append(got, c)
				}
			}
			var want []vtr.Claim
			if tt.count >= 0 {
				want = []vtr.Claim{{Type: vtr.ClaimOrderCount, Count: tt.count, Days: tt.days}}
			}
			if !slices.Equal(got, want) {
				t.Errorf("order counts %+v, want %+v", got, want)
			}
		})
	}
}
