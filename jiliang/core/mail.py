"""Mail without a mail server: one line per message on the console, so that the demo's hundreds
of reminder e-mails do not bury the address of the site."""

import sys

from django.core.mail.backends.base import BaseEmailBackend


class ConsoleSummaryBackend(BaseEmailBackend):
    """Writes "e-mail to <recipients>: <subject>" per message to standard error."""

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            sys.stderr.write(f"e-mail to {', '.join(message.recipients())}: {message.subject}\n")
        sys.stderr.flush()
        return len(email_messages)
