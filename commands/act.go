package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// Act handles a click on a triage button: Show untracked packages and Draft
// reply answer the clicking user; Assign to me, Snooze and Mark handled are
// recorded and update the message for everyone.
func (c *Commands) Act(ctx context.Context, a Action) (ActionResult, error) {
	switch a.ActionID {
	case ActShowUntracked:
		// The button's value came back from Slack: checked like typed text.
		w, err := parseWindow(a.Value)
		if err != nil {
			return ActionResult{}, err
		}
		list, err := c.Store.Untracked(ctx, c.Marketplace, w, "")
		if err != nil {
			return ActionResult{}, err
		}
		r := UntrackedReply(c.Marketplace, w, list)
		r.Ephemeral = true
		return ActionResult{Respond: &r}, nil
	case ActDraftReply:
		_, _, e, err := c.explainStored(ctx, a.Value)
		if err != nil {
			return ActionResult{}, err
		}
		text := e.Reply
		if text == "" {
			text = "There is nothing to reply to for this mail."
		}
		r := Reply{Text: "Drafted reply", Ephemeral: true, Blocks: []Block{
			{Kind: BlockSection, Text: "*Drafted reply to Seller Support* (copy, edit, send from Seller Central):\n```" + Escape(text) + "```"}}}
		return ActionResult{Respond: &r}, nil
	case ActAssign, ActSnooze, ActHandled:
		action := map[string]string{ActAssign: store.ActionAssign, ActSnooze: store.ActionSnooze, ActHandled: store.ActionHandled}[a.ActionID]
		until := time.Time{}
		if a.ActionID == ActSnooze {
			until = c.Now().Add(24 * time.Hour)
		}
		t, err := c.Store.RecordAction(ctx, a.Value, a.User, action, until)
		if err != nil {
			return ActionResult{}, err
		}
		sn, _, e, err := c.explainStored(ctx, a.Value)
		if err != nil {
			return ActionResult{}, err
		}
		r := TriageReply(e, sn.ID, &t)
		res := ActionResult{Update: &r}
		if a.ActionID == ActHandled {
			note := Reply{Text: fmt.Sprintf("✅ Marked handled by %s.", mention(a.User))}
			res.Thread = &note
		}
		return res, nil
	}
	return ActionResult{}, vtr.Errorf(vtr.EINVALID, "unknown action %q", a.ActionID)
}

// explainStored reconciles a stored notice again, against today's data.
func (c *Commands) explainStored(ctx context.Context, id string) (*store.StoredNotice, *vtr.Notice, vtr.Explanation, error) {
	sn, err := c.Store.StoredNotice(ctx, id)
	if err != nil {
		return nil, nil, vtr.Explanation{}, err
	}
	n := sn.Notice()
	if n == nil {
		return nil, nil, vtr.Explanation{}, vtr.Errorf(vtr.EINVALID, "notice %s could not be parsed", id)
	}
	e, err := c.Explain(ctx, n, c.caseWindow(ctx, sn))
	return sn, n, e, err
}
