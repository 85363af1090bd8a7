package notice

import (
	"strings"

	"github.com/inbucket/html2text"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlToText renders an HTML body as text with inbucket/html2text, links
// omitted (a link in mail is never followed, nor shown). The tree is
// adjusted first so that table rows become lines and table cells stay apart
// (html2text already puts a space between cells: an order ID glued to a
// tracking number would be lost), bold text gets no
// asterisks, and a mailto link keeps its address.
func htmlToText(s string) string {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return ""
	}
	adjust(doc, 0)
	out, err := html2text.FromHTMLNode(doc, html2text.Options{OmitLinks: true})
	if err != nil {
		return ""
	}
	return out
}

// maxHTMLDepth bounds the walk over hostile nesting.
const maxHTMLDepth = 512

func adjust(n *html.Node, depth int) {
	if depth > maxHTMLDepth {
		// Drop what is nested deeper: no notice is built like that.
		n.FirstChild, n.LastChild = nil, nil
		return
	}
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.B, atom.Strong:
			n.DataAtom, n.Data = atom.Span, "span"
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Tr, atom.Caption, atom.Dt, atom.Dd:
			n.DataAtom, n.Data = atom.Div, "div"
		case atom.A:
			for _, a := range n.Attr {
				if strings.EqualFold(a.Key, "href") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "mailto:") {
					addr := strings.TrimSpace(a.Val)[len("mailto:"):]
					if i := strings.IndexByte(addr, '?'); i >= 0 {
						addr = addr[:i]
					}
					if !strings.Contains(textOf(n), "@") && addr != "" {
						n.AppendChild(&html.Node{Type: html.TextNode, Data: " <" + addr + ">"})
					}
				}
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		adjust(c, depth+1)
	}
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node, int)
	walk = func(n *html.Node, d int) {
		if d > 16 {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, d+1)
		}
	}
	walk(n, 0)
	return b.String()
}
