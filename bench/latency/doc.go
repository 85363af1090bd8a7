// Package latencybench measures issue 6's latency goal through the real
// pipeline: a mail appended from a second IMAP connection, until the bot
// has stored it AND queued its triage post in the outbox (the watcher,
// commands.Pipeline and the store wired as `bot run` wires them, on a
// SQLite file holding the shared traxtar seller when ../shared is there).
//
//	go test ./bench/latency -run '^$' -bench . -benchtime 50x
//	VTRBOT_TEST_DOVECOT=1 go test ./bench/latency -run '^$' -bench . -benchtime 50x
//
// It reports p50, p95 and max in milliseconds (ns/op includes the pause
// between mails and means nothing). Goal: p95 < 1 s with IDLE.
package latencybench
