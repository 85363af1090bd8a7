package flatfile

// ReadCategories calls fn for each sku → category row (TSV or CSV).
func ReadCategories(r *Reader, fn func(line int, sku, category string) error) error {
	if err := r.Require("sku", "category"); err != nil {
		return err
	}
	for {
		row, err := r.Next()
		if err != nil {
			return eofNil(err)
		}
		sku, cat := row.Get("sku"), row.Get("category")
		if sku == "" {
			return row.Errorf("sku is empty")
		}
		if cat == "" {
			return row.Errorf("category is empty for sku %q", sku)
		}
		if err := fn(row.Line, sku, cat); err != nil {
			return err
		}
	}
}
