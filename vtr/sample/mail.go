package sample

import (
	"fmt"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

// Mail is one sample message with a short description for the demo.
type Mail struct {
	About string
	Raw   []byte
}

// StoryMails returns the demo's mailbox, dated on st.Today: the VTR warning
// from the seed story, Seller Support's reply with its wrong claims, a USPS
// delivery notice for the package st.Verify, and a newsletter that is no
// notice.
func StoryMails(st Story) []Mail {
	day := st.Today.Time(time.UTC)
	date := func(h, m int) string {
		return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute).Format(time.RFC1123Z)
	}
	tag := st.Today.String()
	warning := header(map[string]string{
		"Authentication-Results": "mx.demo.example; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=amazon.com; dmarc=pass header.from=amazon.com",
		"From":                   `"Amazon Seller Performance" <seller-performance@amazon.com>`,
		"Subject":                "Your Valid Tracking Rate is Below 95%",
		"Date":                   date(9, 12),
		"Message-ID":             "<demo-vtr-warning-" + tag + "@amazon.com>",
	}) + `Hello,

Recently, there have been some problems with your orders. Your Valid Tracking Rate for merchant-fulfilled orders in select categories is below the 95% requirement.
Sellers must provide tracking numbers for at least 95% of their shipments in all categories.

We recommend that you look at your recent untracked shipments and make a plan to get back on track. All major carriers, including USPS, FedEx, UPS, and DHL, provide tracking numbers for free.

If this problem continues, we may not allow you to sell merchant-fulfilled items in the affected categories on Amazon.com.

Seller Performance Team
`
	reply := header(map[string]string{
		"Authentication-Results": "mx.demo.example; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=amazon.com; dmarc=pass header.from=amazon.com",
		"From":                   `"Amazon Selling Partner Support" <seller-support@amazon.com>`,
		"Subject":                "RE: [CASE 7312458890] Valid Tracking Rate notification received in error",
		"Date":                   date(16, 40),
		"Message-ID":             "<demo-case-7312458890-reply-" + tag + "@sellercentral.amazon.com>",
	}) + `Hello from Amazon Selling Partner Support,

Having read your email I understand that you have received an email stating that 'Your Valid Tracking Rate is below 95%'. I will certainly check and help you with the needful information.

Upon reviewing your account, I can see that there is only one order being placed for the past 365 days in this account. I can also see that the status of the order is updated as 'Unshipped'.

Please make a note that your current account health status is normal. It shows N/A for valid tracking rate as there is no order with 'complete' status present in this account for last 365 days.

Hence I request you to ignore the mail that you received regarding the valid tracking rate under performance notification.

Thank you for selling with Amazon,

Seller Support
`
	delivered := vtr.DateOf(day.AddDate(0, 0, -1))
	usps := header(map[string]string{
		"Authentication-Results": "mx.demo.example; dkim=pass header.d=usps.com; spf=pass smtp.mailfrom=usps.com; dmarc=pass header.from=usps.com",
		"From":                   `"USPS" <auto-reply@usps.com>`,
		"Subject":                "USPS Tracking Number " + st.Verify + " Delivered",
		"Date":                   date(18, 5),
		"Message-ID":             "<demo-usps-" + st.Verify + "@usps.com>",
	}) + fmt.Sprintf(`Your item was delivered in or at the mailbox at 2:41 pm on %s in COLUMBUS, OH 43215.

Tracking Number: %s

Tracking History
%s, 2:41 pm   Delivered, In/At Mailbox   COLUMBUS, OH 43215
%s, 8:02 am   Out for Delivery   COLUMBUS, OH 43215
%s, 9:40 pm   Arrived at USPS Regional Facility   COLUMBUS OH DISTRIBUTION CENTER
`, usDate(delivered), spacedNumber(st.Verify), usDate(delivered), usDate(delivered), usDate(delivered.AddDays(-1)))
	news := header(map[string]string{
		"Authentication-Results": "mx.demo.example; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=amazon.com",
		"From":                   `"Amazon Selling Partner News" <news@amazon.com>`,
		"Subject":                "Selling Partner News: holiday shipping tips",
		"Date":                   date(19, 0),
		"Message-ID":             "<demo-news-" + tag + "@amazon.com>",
	}) + `Holiday season is here. Keep your Valid Tracking Rate above 95% by buying tracked postage through Buy Shipping.
`
	return []Mail{
		{"Amazon's VTR warning", []byte(crlf(warning))},
		{"Seller Support's reply", []byte(crlf(reply))},
		{"a USPS delivery notice", []byte(crlf(usps))},
		{"an Amazon newsletter", []byte(crlf(news))},
	}
}

func header(h map[string]string) string {
	var b strings.Builder
	for _, k := range []string{"Authentication-Results", "From", "Subject", "Date", "Message-ID"} {
		fmt.Fprintf(&b, "%s: %s\n", k, h[k])
	}
	b.WriteString("To: orders@demo-seller.example\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n")
	return b.String()
}

func usDate(d vtr.Date) string { return d.Time(time.UTC).Format("January 2, 2006") }

func spacedNumber(n string) string { return spaced(n) }

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
