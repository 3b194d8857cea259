"""Running test code in several threads at once, each with its own database connection."""

import threading

from django.db import connections


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
