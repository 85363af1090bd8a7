package main

import (
	"encoding/csv"
	"io"
	"strings"
)

// csvWriter writes the CSV files the bot exports (bot explain --evidence,
// bot vtr untracked --csv), which sellers open in a spreadsheet and attach
// to appeals. Their cells hold text that came from outside (a category, a
// SKU, a carrier name from a file or mail): a cell a spreadsheet would read
// as a formula is neutralised as OWASP's "CSV Injection" page recommends,
// so opening the file runs nothing (docs/files.md "Exports").
type csvWriter struct {
	w   *csv.Writer
	rec []string
}

func newCSVWriter(w io.Writer) *csvWriter { return &csvWriter{w: csv.NewWriter(w)} }

// Write writes one record, each cell neutralised.
func (c *csvWriter) Write(rec []string) error {
	c.rec = c.rec[:0]
	for _, cell := range rec {
		c.rec = append(c.rec, neutralise(cell))
	}
	return c.w.Write(c.rec)
}

// Flush writes what is buffered and returns the first error of any write.
func (c *csvWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// neutralise prefixes ' to a cell that starts with =, +, -, @, a tab, a
// carriage return or a line feed, or with spaces and then one of =, +, -,
// @ (spreadsheets skip leading spaces): the cell then reads as text, and the
// ' is shown, not the formula run. Other cells are unchanged; encoding/csv
// quotes a cell with a comma, a quote or a line break.
func neutralise(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + cell
	}
	if t := strings.TrimLeft(cell, " "); t != "" && t != cell && strings.ContainsRune("=+-@", rune(t[0])) {
		return "'" + cell
	}
	return cell
}
