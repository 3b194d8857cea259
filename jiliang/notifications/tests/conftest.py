"""Real SMTP servers for the e-mail tests: aiosmtpd on a free local port, and a TCP server that
never answers; Django sends to them through its SMTP backend (``settings`` fixture). And a
database that threads share, for two workers at once."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from jiliang.accounts.services import user_create
from jiliang.orgs import services as org_services

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command


class Recorder:
    """An aiosmtpd handler that keeps every accepted message, and misbehaves for chosen
    recipients: ``refuse`` (550 at RCPT), ``temporary`` ({address: how many 451 replies at
    RCPT before accepting}), ``drop`` (connection closed in the middle of DATA, see
    ``DroppingSMTP``), ``hang`` (RCPT never answered); ``temporary_data``: how many messages
    are answered 451 at the end of DATA before the server accepts again."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.temporary: dict[str, int] = {}
        self.drop: set[str] = set()
        self.hang: set[str] = set()
        self.temporary_data = 0
        self.port = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.hang:
            await asyncio.Event().wait()  # cancelled when the server stops
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        with self.lock:
            if self.temporary.get(address, 0) > 0:
                self.temporary[address] -= 1
                return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.temporary_data > 0:
                self.temporary_data -= 1
                return "451 4.3.0 Mail server temporarily rejected message"
            self.messages.append(
                message_from_bytes(envelope.original_content, policy=policy.default)
            )
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    def recipients(self) -> list[str]:
        return [message["To"] for message in self.messages]


class DroppingSMTP(SMTP):
    """Closes the connection after the first line of a message to a ``drop`` recipient."""

    async def smtp_DATA(self, arg):
        if self.envelope and set(self.envelope.rcpt_tos) & self.event_handler.drop:
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.readuntil(b"\r\n")
            self.transport.close()
            return
        await super().smtp_DATA(arg)


class RecordingController(Controller):
    def factory(self):
        return DroppingSMTP(self.handler, **self.SMTP_kwargs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_smtp(settings, port: int, timeout: float = 5) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = timeout


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free local port; ``smtp.messages`` are the messages received."""
    recorder = Recorder()
    controller = RecordingController(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    recorder.port = controller.port
    use_smtp(settings, controller.port)
    yield recorder
    controller.stop()


@pytest.fixture
def silent_smtp(settings):
    """A TCP server that accepts connections (the kernel's backlog) and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        use_smtp(settings, server.getsockname()[1], timeout=1)
        yield server


def member(world, username, role="viewer", organisation=None, **fields):
    """A member of the world's enterprise (or ``organisation``) with an e-mail address."""
    admin = world.users["platform_admin"]
    fields.setdefault("email", f"{username}@example.com")
    user = user_create(actor=admin, username=username, **fields)
    org_services.membership_add(
        actor=admin, organisation=organisation or world.enterprise, user=user, role=role
    )
    return user
