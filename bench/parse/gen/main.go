// Command gen writes an mbox of generated Amazon notices, Support replies
// and carrier updates for bench/parse/run.sh: the mix of MIME shapes and
// charsets bot parse meets (plain, QP HTML, alternative, base64,
// ISO-2022-JP, attached forwards).
package main

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/quotedprintable"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-mbox"
	"golang.org/x/text/encoding/japanese"
)

func main() {
	n := flag.Int("n", 10000, "number of messages")
	out := flag.String("o", "-", "output file (- for standard output)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	var w io.Writer = os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	if err := write(w, *n, rand.New(rand.NewPCG(*seed, 2))); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func write(w io.Writer, n int, rng *rand.Rand) error {
	mw := mbox.NewWriter(w)
	start := time.Date(2019, 10, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		date := start.Add(time.Duration(i) * 7 * time.Minute)
		raw := kinds[i%len(kinds)](i, date, rng)
		m, err := mw.CreateMessage("MAILER-DAEMON", date)
		if err != nil {
			return err
		}
		if _, err := m.Write([]byte(strings.ReplaceAll(raw, "\n", "\r\n"))); err != nil {
			return err
		}
	}
	return mw.Close()
}

var kinds = []func(int, time.Time, *rand.Rand) string{vtrPlain, deHTML, supportAlt, uspsPlain, jaISO2022, forwardRFC822, lsrBase64, newsletter}

func orderID(rng *rand.Rand) string {
	return fmt.Sprintf("%03d-%07d-%07d", 111+rng.IntN(3), rng.IntN(1e7), rng.IntN(1e7))
}

func header(from, subject string, i int, date time.Time, ctype string) string {
	return fmt.Sprintf("Authentication-Results: mx.example.net; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=amazon.com; dmarc=pass header.from=amazon.com\n"+
		"From: %s\nTo: orders@traxtar.example\nSubject: %s\nDate: %s\nMessage-ID: <gen-%d@example.amazon.com>\nMIME-Version: 1.0\nContent-Type: %s\n",
		from, subject, date.Format(time.RFC1123Z), i, ctype)
}

func vtrPlain(i int, date time.Time, rng *rand.Rand) string {
	return header(`"Amazon Seller Performance" <seller-performance@amazon.com>`, "Your Valid Tracking Rate is Below 95%", i, date, "text/plain; charset=UTF-8") +
		"\nHello,\n\nRecently, there have been some problems with your orders. Your Valid Tracking Rate for merchant-fulfilled orders in select categories is below the 95% requirement.\n" +
		"Sellers must provide tracking numbers for at least 95% of their shipments in all categories.\n\n" +
		"We recommend that you look at your recent untracked shipments and make a plan to get back on track. All major carriers, including USPS, FedEx, UPS, and DHL, provide tracking numbers for free.\n\n" +
		"If this problem continues, we may not allow you to sell merchant-fulfilled items in the affected categories on Amazon.com.\n\n" +
		"Affected order: " + orderID(rng) + "\n\nSeller Performance Team\n"
}

func qp(s string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return strings.ReplaceAll(b.String(), "\r\n", "\n")
}

func deHTML(i int, date time.Time, rng *rand.Rand) string {
	html := "<html><body><p>Guten Tag,</p><p>in letzter Zeit gab es Probleme mit Ihren Bestellungen. Ihre Rate gültiger Sendungsverfolgungsnummern für vom Verkäufer versandte Bestellungen in bestimmten Kategorien liegt unter dem Zielwert von 95 %.</p>" +
		"<p>Betroffener Zeitraum: 01.03.2024 bis 30.03.2024</p><table><tr><td>Bestellung</td><td>" + orderID(rng) + "</td></tr></table>" +
		"<p>Wenn dieses Problem weiterhin besteht, können wir Ihnen den Verkauf von Artikeln auf Amazon.de untersagen.</p><p>Ihr Team Verkäuferleistung</p></body></html>"
	h := strings.Replace(header("=?UTF-8?Q?Amazon_Verk=C3=A4uferleistung?= <seller-performance@amazon.de>",
		"=?UTF-8?Q?Ihre_Rate_g=C3=BCltiger_Sendungsverfolgungsnummern_liegt_unter_95_%?=", i, date, "text/html; charset=UTF-8"), "amazon.com", "amazon.de", 3)
	return h + "Content-Transfer-Encoding: quoted-printable\n\n" + qp(html) + "\n"
}

func supportAlt(i int, date time.Time, rng *rand.Rand) string {
	text := fmt.Sprintf("Hello from Amazon Selling Partner Support,\n\nUpon reviewing your account, I can see that there is only one order being placed for the past 365 days in this account. "+
		"I can also see that the status of the order %s is updated as 'Unshipped'.\n\nIt shows N/A for valid tracking rate as there is no order with 'complete' status present in this account for last 365 days.\n\n"+
		"Hence I request you to ignore the mail that you received regarding the valid tracking rate.\n\nThank you for selling with Amazon,\nSeller Support\n", orderID(rng))
	html := "<html><body><p>" + strings.ReplaceAll(text, "\n\n", "</p><p>") + "</p></body></html>"
	return header(`"Amazon Selling Partner Support" <seller-support@amazon.com>`, fmt.Sprintf("RE: [CASE %d] Valid Tracking Rate", 6578000000+i), i, date,
		`multipart/alternative; boundary="b1_case"`) +
		"\n--b1_case\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n" + qp(text) +
		"\n--b1_case\nContent-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n" + qp(html) + "\n--b1_case--\n"
}

func uspsPlain(i int, date time.Time, rng *rand.Rand) string {
	num := fmt.Sprintf("9400111899%012d", rng.IntN(1e12))
	h := strings.ReplaceAll(header(`"USPS Tracking" <auto-reply@usps.com>`, "USPS® Tracking Number "+num+" Delivered", i, date, "text/plain; charset=UTF-8"), "amazon.com", "usps.com")
	return h + "\nYour item was delivered in or at the mailbox at 3:58 pm on October 28, 2019 in SPRINGFIELD, IL 62704.\n\nTracking Number: " + num +
		"\n\nDATE & TIME          STATUS OF ITEM              LOCATION\nOctober 28, 2019, 3:58 pm   Delivered, In/At Mailbox   SPRINGFIELD, IL 62704\n" +
		"October 28, 2019, 8:10 am   Out for Delivery           SPRINGFIELD, IL 62704\nOctober 26, 2019, 11:41 pm  In Transit to Next Facility\n" +
		"October 25, 2019, 6:02 pm   Accepted at USPS Origin Facility   DAYTON, OH 45401\n"
}

func jaISO2022(i int, date time.Time, rng *rand.Rand) string {
	body := "出品者様\n\n出品者出荷の注文における有効な追跡率が、一部のカテゴリーで目標値の95%を下回っています。\n\n対象期間: 2024年3月1日から2024年3月30日まで\n\n注文番号: " + orderID(rng) + "\n\n出品者パフォーマンスチーム\n"
	enc, err := japanese.ISO2022JP.NewEncoder().String(body)
	if err != nil {
		panic(err) // constant text: a character ISO-2022-JP lacks
	}
	subj, _ := japanese.ISO2022JP.NewEncoder().String("有効な追跡率が95%を下回っています")
	return strings.ReplaceAll(header("seller-performance@amazon.co.jp", "=?ISO-2022-JP?B?"+base64.StdEncoding.EncodeToString([]byte(subj))+"?=", i, date,
		"text/plain; charset=ISO-2022-JP"), "amazon.com", "amazon.co.jp") + "Content-Transfer-Encoding: 7bit\n\n" + enc
}

func forwardRFC822(i int, date time.Time, rng *rand.Rand) string {
	inner := vtrPlain(i+1_000_000, date.Add(-time.Hour), rng)
	return "From: Traxtar Owner <owner@traxtar.example>\nTo: bookkeeper@traxtar.example\nSubject: Fwd: Your Valid Tracking Rate is Below 95%\n" +
		"Date: " + date.Format(time.RFC1123Z) + fmt.Sprintf("\nMessage-ID: <fwd-%d@traxtar.example>\n", i) +
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"mix1\"\n\n--mix1\nContent-Type: text/plain; charset=UTF-8\n\nCan you check this?\n\n" +
		"--mix1\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=\"notice.eml\"\n\n" + inner + "\n--mix1--\n"
}

func lsrBase64(i int, date time.Time, rng *rand.Rand) string {
	body := fmt.Sprintf("Hello,\n\nYour late shipment rate is higher than the goal of less than 4%%. Between December 7, 2019 and January 5, 2020 you confirmed 3 of 52 seller-fulfilled orders after their expected ship date.\n\nLate orders:\n%s\n%s\n\nSeller Performance Team\n",
		orderID(rng), orderID(rng))
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\n")
	return header("seller-performance@amazon.com", "Action required: your late shipment rate", i, date, "text/plain; charset=UTF-8") +
		"Content-Transfer-Encoding: base64\n\n" + b.String()
}

func newsletter(i int, date time.Time, _ *rand.Rand) string {
	return header(`"Amazon Seller News" <seller-news@amazon.com>`, "5 tips for the holiday season", i, date, "text/plain; charset=UTF-8") +
		"\nGet ready for the holidays: stock up early, review your shipping settings, and check your Seller Central inventory. Keep your Valid Tracking Rate above 95%.\n"
}
