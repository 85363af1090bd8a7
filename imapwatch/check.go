package imapwatch

import (
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// MailboxInfo is what Check found.
type MailboxInfo struct {
	Mailbox     string
	UIDValidity uint32
	UIDNext     uint32
	Messages    uint32
	Unseen      uint32
	// From and FromUnseen count the messages whose From header contains the
	// string given to Check (all, and unseen ones).
	From       uint32
	FromUnseen uint32
	// Idle is whether the server pushes new mail (RFC 2177); without it the
	// watcher polls every Config.Poll.
	Idle bool
	// Move is whether the server has MOVE (RFC 6851) for Config.MoveTo.
	Move bool
}

// Check logs in, opens the mailbox read-only (EXAMINE) and counts its
// messages, unseen ones, and those whose From contains from (skipped when
// from is empty). It changes nothing. A refused login wraps ErrAuth; a bad
// Config is a *ConfigError.
func Check(ctx context.Context, cfg Config, from string) (MailboxInfo, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return MailboxInfo{}, err
	}
	c, err := dial(ctx, cfg, &imapclient.Options{})
	if err != nil {
		return MailboxInfo{}, err
	}
	defer c.close()
	sel, err := c.Select(cfg.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return MailboxInfo{}, selectError(cfg.Mailbox, err)
	}
	caps := c.Caps()
	info := MailboxInfo{
		Mailbox: cfg.Mailbox, UIDValidity: sel.UIDValidity, UIDNext: uint32(sel.UIDNext),
		Messages: sel.NumMessages, Idle: caps.Has(imap.CapIdle), Move: caps.Has(imap.CapMove),
	}
	unseen := imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}
	fromC := imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: from}}}
	count := func(crit ...imap.SearchCriteria) (uint32, error) {
		var all imap.SearchCriteria
		for _, c := range crit {
			all.And(&c)
		}
		var opts *imap.SearchOptions
		if caps.Has(imap.CapESearch) {
			opts = &imap.SearchOptions{ReturnCount: true} // RFC 4731: no UID list
		}
		data, err := c.UIDSearch(&all, opts).Wait()
		if err != nil {
			return 0, fmt.Errorf("search: %w", err)
		}
		if opts != nil {
			return data.Count, nil
		}
		set, _ := data.All.(imap.UIDSet)
		nums, _ := set.Nums()
		return uint32(len(nums)), nil
	}
	if info.Unseen, err = count(unseen); err != nil {
		return info, err
	}
	if from != "" {
		if info.From, err = count(fromC); err != nil {
			return info, err
		}
		if info.FromUnseen, err = count(fromC, unseen); err != nil {
			return info, err
		}
	}
	c.Logout().Wait()
	return info, nil
}
