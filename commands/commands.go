// Package commands is vtrbot's chat side without the chat: a table of
// commands (status, untracked, order, notices, explain, history, metrics,
// help) that take a Request and return a Reply, plus the triage and outbox
// use cases. It never sends anything and imports no Slack library; Slack
// (commands/slackapp), `bot shell` and `bot demo` are front ends over it.
package commands
