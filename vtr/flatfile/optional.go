package flatfile

// Optional is an optional column of an Amazon file and what its absence
// means for the numbers (docs/files.md "What a missing column costs"), so
// that an import can say so once instead of leaving the seller to wonder
// why a window moved or a metric is N/A.
type Optional struct {
	// Columns are the names that carry the value; any one of them will do
	// (delivered-at or first-scan-at both verify a package).
	Columns []string
	// Without is what the numbers lose without any of them, one sentence.
	Without string
}

// OrderOptionals are the optional columns of an orders file.
var OrderOptionals = []Optional{
	{[]string{"promised-delivery-date"}, "VTR windows hold these orders' packages by ship date, not by the day they were due as Amazon does, " +
		"so a package can fall in another window than Amazon's (the sample seller's notice window goes from 84 to 76 eligible packages); " +
		"no On-Time Delivery Rate; Amazon's Order Report imported after this file fills the dates (bot import orders)"},
	{[]string{"latest-ship-date"}, "no Late Shipment Rate"},
	{[]string{"purchase-date"}, "no Pre-fulfillment Cancel Rate, and Support's order counts cannot be checked"},
	{[]string{"category"}, "categories come from bot import categories, else Uncategorized"},
}

// ShipmentOptionals are the optional columns of a shipments file.
var ShipmentOptionals = []Optional{
	{[]string{"confirmed-at"}, "the ship date stands in for when the confirmation was uploaded: " +
		"no UPLOADED_AFTER_DELIVERY from this file, and Late Shipment compares ship dates"},
	{[]string{"delivered-at", "first-scan-at"}, "no package is VERIFIED by this file (carrier mail or Amazon's Valid Tracking report can verify it), " +
		"and On-Time Delivery has no deliveries from it"},
}

// Missing returns the optionals of which r's header has none of the columns.
func (r *Reader) Missing(opts []Optional) []Optional {
	var out []Optional
	for _, o := range opts {
		has := false
		for _, c := range o.Columns {
			has = has || r.Has(c)
		}
		if !has {
			out = append(out, o)
		}
	}
	return out
}
