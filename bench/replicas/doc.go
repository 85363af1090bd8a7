// Package replicasbench measures issue 15's goal for bot run serving many
// accounts from several replicas: 50 accounts (each its own in-memory IMAP
// server and Slack channel) on 3 `bot run` processes sharing one
// PostgreSQL database, one new notice per account per second for a minute.
//
//	VTRBOT_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' \
//	    go test ./bench/replicas -run '^$' -bench . -benchtime 1x -timeout 10m
//
// VTRBOT_BENCH_ACCOUNTS, VTRBOT_BENCH_REPLICAS and VTRBOT_BENCH_SECONDS
// change the shape. It reports posts per second, the p50/p95/max
// mail-to-post latency (from the append to the mailbox until the fake
// Slack has the post), duplicates (posts of one outbox entry beyond the
// first: must be 0) and the most PostgreSQL connections the database saw
// (the connection budget of docs/accounts.md). ns/op means nothing.
package replicasbench
