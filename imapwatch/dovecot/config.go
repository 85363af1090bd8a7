package dovecot

// configTemplate is a test-only Dovecot (docs/imap.md "Test servers"): plaintext
// IMAP on loopback, everything under one temp dir, no system file read or
// written.
const configTemplate = `# Test-only Dovecot: plaintext IMAP on loopback, everything under one temp dir.
protocols = imap
listen = 127.0.0.1
base_dir = {{DIR}}/run
state_dir = {{DIR}}/state
log_path = {{DIR}}/dovecot.log
info_log_path = {{DIR}}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_login_user = {{LOGINUSER}}
default_internal_user = {{INTERNALUSER}}
default_internal_group = {{INTERNALGROUP}}
mail_location = maildir:{{DIR}}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {{DIR}}/users
}
userdb {
  driver = static
  args = uid={{UID}} gid={{GID}} home={{DIR}}/home/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = {{PORT}}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`
