package vtr

import (
	"fmt"
	"strings"
)

// NAFacts are what a window with no eligible package holds instead.
type NAFacts struct {
	Marketplace   string
	Window        Window
	Ineligible    map[Ineligible]int // packages with a window date in the window, by cause
	PDDOutside    int                // shipped in the window, but promised for a date outside it
	UnknownOrders int                // confirmations shipped in the window for orders not imported
	Unconfirmed   int                // MFN orders due in the window with no shipment confirmation
	Orders        int                // orders purchased in the window
}

// ExplainNA says, in sentences, why a rate is N/A (docs/rules.md "Rate and status").
func ExplainNA(f NAFacts) []string {
	var out []string
	// format takes the count, the plural "s" and the verb (one, many).
	add := func(n int, format, one, many string) {
		if n > 0 {
			verb := many
			if n == 1 {
				verb = one
			}
			out = append(out, fmt.Sprintf(format, n, plural(n), verb))
		}
	}
	add(f.Ineligible[Exempt], "%d package%s in the window %s exempt (e.g. letters under the value limit)", "is", "are")
	add(f.Ineligible[NotMFN], "%d package%s in the window %s to Amazon-fulfilled (FBA) orders, which never count", "belongs", "belong")
	add(f.Ineligible[Cancelled], "%d package%s in the window %s to cancelled orders", "belongs", "belong")
	add(f.PDDOutside, "%d package%s %s in the window but promised for delivery outside it (VTR is keyed on the promised delivery date)", "was shipped", "were shipped")
	add(f.UnknownOrders, "%d shipment confirmation%s in the window %s to orders that are not imported (import the All Orders report)", "belongs", "belong")
	add(f.Unconfirmed, "%d merchant-fulfilled order%s due in the window %s no shipment confirmation", "has", "have")
	if len(out) == 0 {
		if f.Orders == 0 {
			out = append(out, strings.TrimSpace("no "+f.Marketplace)+" orders and no shipments in the window: import the All Orders report and the shipping confirmations of that store")
		} else {
			out = append(out, fmt.Sprintf("%d order%s placed in the window, but no merchant-fulfilled package is due in it", f.Orders, plural(f.Orders)))
		}
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
