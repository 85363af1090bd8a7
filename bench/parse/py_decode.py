"""Decode every message of an mbox with Python's standard email package:
parse, walk the parts, decode each payload to text. The baseline that
bench/parse/run.sh times against bot parse."""
import email
import email.policy
import mailbox
import sys


def main(path):
    box = mailbox.mbox(path, factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default), create=False)
    messages = chars = 0
    for msg in box:
        messages += 1
        for h in ("From", "Subject", "Date", "Message-ID"):
            chars += len(str(msg.get(h, "")))
        for part in msg.walk():
            if part.is_multipart():
                continue
            if part.get_content_maintype() == "text":
                chars += len(part.get_content())
            else:
                payload = part.get_payload(decode=True)
                chars += len(payload or b"")
    print(f"python: {messages} messages, {chars} characters decoded", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
