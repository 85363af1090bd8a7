package commands_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/notice"
)

// delivery is a carrier's delivery mail from addr with no word of Amazon in it.
func delivery(from string) []byte {
	return []byte("From: " + from + "\r\nSubject: Your parcel has been delivered\r\nDate: Mon, 28 Oct 2019 18:22:05 +0000\r\n" +
		"Message-ID: <d1@carrier.example>\r\nContent-Type: text/plain\r\n\r\nTracking Number: 15501234567890\r\n\r\n" +
		"28/10/2019 15:58 Delivered\r\n")
}

// TestRelevant_oneListOfCarriers: the filter keeps the mail of every
// carrier the parser knows, by domain on label boundaries or by the
// display name, and nothing that merely contains a carrier's domain.
func TestRelevant_oneListOfCarriers(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
		want bool
	}{
		{"DPD", delivery("DPD <noreply@dpd.co.uk>"), true},
		{"Evri", delivery("Evri <hello@evri.com>"), true},
		{"GLS", delivery("GLS <noreply@gls-group.eu>"), true},
		{"Hermes", delivery("<info@myhermes.de>"), true},
		{"Deutsche Post", delivery("<noreply@deutschepost.de>"), true},
		{"La Poste (Colissimo)", delivery("<suivi@colissimo.fr>"), true},
		{"Correos", delivery("<notificaciones@correos.es>"), true},
		{"Japan Post", delivery("<tracking@post.japanpost.jp>"), true},
		{"subdomain of a carrier", delivery("UPS <mcinfo@email.ups.com>"), true},
		{"domain in upper case", delivery("<Auto-Reply@USPS.COM>"), true},
		{"carrier named in an encoded display name", delivery("=?UTF-8?B?44Ok44Oe44OI6YGL6Ly4?= <info@notify.example>"), true}, // ヤマト運輸
		{"googlegroups.com is not ups.com", delivery("Seller forum <forum@googlegroups.com>"), false},
		{"a carrier domain inside another name", delivery("<deals@notups.com>"), false},
		{"a carrier domain as a subdomain of another", delivery("<track@ups.com.parcel-status.example>"), false},
		{"the old substring dhl. on another domain", delivery("<promo@dhl.lottery.example>"), false},
		{"a notice that never names Amazon", []byte("From: Seller Performance <alerts@seller-perf.example>\r\nSubject: Action required\r\n" +
			"Date: Fri, 15 Nov 2019 09:12:44 +0000\r\n\r\nYour Valid Tracking Rate is below the 95% requirement.\r\n"), true},
		{"a forwarded DPD mail", []byte("From: Owner <owner@traxtar.example>\r\nSubject: Fwd: delivered\r\nDate: Mon, 28 Oct 2019 19:00:00 +0000\r\n\r\n" +
			"---------- Forwarded message ---------\r\nFrom: DPD <noreply@dpd.de>\r\nDate: Mon, 28 Oct 2019 18:22:05 +0000\r\n\r\n" +
			"Tracking Number: 01234567890123\r\n28.10.2019 15:58 Delivered\r\n"), true},
		{"a newsletter", []byte("From: Shop <news@shop.example>\r\nSubject: Sale\r\n\r\nTracking your savings: 20% off.\r\n"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := commands.Relevant(tt.raw); got != tt.want {
				t.Errorf("Relevant = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRelevant_everyCarrierDomain: whatever the parser's list holds, the
// filter keeps.
func TestRelevant_everyCarrierDomain(t *testing.T) {
	list := notice.CarrierDomains()
	if len(list) < 18 {
		t.Fatalf("the parser knows %d carrier domains, want at least 18", len(list))
	}
	for _, d := range list {
		if !commands.Relevant(delivery("<noreply@" + d[0] + ">")) {
			t.Errorf("mail from %s (%s) is dropped", d[0], d[1])
		}
		if !commands.Relevant(delivery("<noreply@mail." + strings.ToUpper(d[0]) + ">")) {
			t.Errorf("mail from a subdomain of %s is dropped", d[0])
		}
	}
}

// TestRelevant_keepsWhatTheParserReads: every fixture the parser reads as a
// notice or a carrier update passes the filter.
func TestRelevant_keepsWhatTheParserReads(t *testing.T) {
	files, _ := filepath.Glob("../vtr/notice/testdata/*.eml")
	if len(files) == 0 {
		t.Fatal("no fixtures in ../vtr/notice/testdata")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := notice.ParseBytes(raw); n.Kind != vtr.KindOther && !commands.Relevant(raw) {
			t.Errorf("%s: parsed as %s but dropped by Relevant", filepath.Base(f), n.Kind)
		}
	}
}

// BenchmarkRelevant_otherMail: the cost of the filter on the seller's
// ordinary mail, which the parser now reads too before it is dropped.
func BenchmarkRelevant_otherMail(b *testing.B) {
	raw := []byte("From: Shop <news@shop.example>\r\nSubject: Our spring sale\r\nDate: Mon, 1 Apr 2024 09:00:00 +0000\r\n" +
		"Content-Type: text/html; charset=UTF-8\r\n\r\n<html><body>" + strings.Repeat("<p>Twenty percent off everything in the store this week, tracking your savings.</p>", 200) + "</body></html>\r\n")
	for b.Loop() {
		if commands.Relevant(raw) {
			b.Fatal("a newsletter is relevant")
		}
	}
}
