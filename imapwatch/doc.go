// Package imapwatch watches one IMAP mailbox and hands every new message, in
// UID order, to a callback.
//
// It exists so that the rest of vtrbot never speaks IMAP: it dials (TLS,
// STARTTLS, or plain on loopback), logs in (password, XOAUTH2 or
// OAUTHBEARER), selects the mailbox, waits for new mail with IDLE (RFC 2177)
// or by polling, fetches each message with BODY.PEEK[] so nothing is marked
// read, and calls Watcher.Handle with the raw bytes. It reconnects with
// backoff and catches up from the checkpoint that Watcher.Resume returns.
//
// What it must not do: parse mail, know what an Amazon notice is, talk to
// Slack, or store anything. It imports no vtrbot package. Persisting the
// message and the checkpoint (in one transaction) is the caller's job, as is
// deduplicating by Message-ID after a UIDVALIDITY change.
package imapwatch
