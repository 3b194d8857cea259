"""Real SMTP servers for the e-mail tests: aiosmtpd on a free local port, and a TCP server that
never answers; Django sends to them through its SMTP backend (``settings`` fixture). And a
database that threads share, for two workers at once."""

from __future__ import annotations

import asyncio
import logging
import socket
import sqlite3
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.db import connections

from jiliang.accounts.services import user_create
from jiliang.core.testing.matrix import build_world
from jiliang.orgs import services as org_services
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

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


@pytest.fixture
def threads_database(transactional_db, tmp_path):
    """A test database that threads can share. On SQLite the in-memory test database (one
    shared cache, which fails at once with "table is locked" rather than waiting) is copied to a
    file, opened as in production (WAL, busy timeout), by this thread and new ones until the end
    of the test."""
    if connections["default"].vendor != "sqlite":
        yield
        return
    memory = connections["default"]
    memory.ensure_connection()
    path = tmp_path / "threads.sqlite3"
    with sqlite3.connect(path) as target:
        memory.connection.backup(target)
    target.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = memory
        connections.settings["default"] = original


@pytest.fixture
def shared_world(threads_database):
    """The matrix world in a database that threads and real commits see (a transactional test
    starts from an empty database: the reference regions first)."""
    load_reference_regions(Region)
    return build_world()


def in_threads(count: int, work) -> list[str]:
    """Run ``work()`` in ``count`` threads started together, each with its own database
    connection; returns the errors they raised."""
    barrier = threading.Barrier(count)
    errors = []

    def worker():
        try:
            barrier.wait()
            work()
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
