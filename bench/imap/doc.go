// Package imapbench measures how long a new mail takes to reach the
// watcher's handler: APPEND on a second connection, then wait for Handle.
//
//	go test ./bench/imap -run '^$' -bench . -benchtime 50x
//	VTRBOT_TEST_DOVECOT=1 go test ./bench/imap -run '^$' -bench . -benchtime 50x
//
// It reports p50, p95 and max in milliseconds (ns/op includes the pause
// between mails and means nothing). The goal is p95 < 1 s with IDLE.
package imapbench
