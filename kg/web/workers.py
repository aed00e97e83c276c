"""SPARQL queries in worker processes that can be stopped.

Oxigraph cannot interrupt a query that sorts or groups: in a thread, a query
past its limit went on at a full core after its client had its 503, and two
of them refused every further query for as long as they ran.  Here each
query runs in one of a few worker processes, each with the store open
read-only; a query past its limit has its process ended (and a fresh one
started), so it stops consuming the machine at once.  Queries beyond the
number of workers wait in a short queue, bounded in length and in time,
instead of being refused while a worker is about to be free.

A worker answers with the bytes of the serialised answer, cut at the row
limit and at the byte limit, so a query that inflates literals costs the
worker that memory, not the server.

Example
-------
>>> import os, tempfile, asyncio
>>> from kg.store.backends import open_store
>>> from kg.web.endpoint import Limits
>>> path = os.path.join(tempfile.mkdtemp(), "s")
>>> open_store(path, create=True).close()
>>> pool = QueryPool(path, Limits(timeout=20, max_rows=10), workers=1)
>>> reply = asyncio.run(pool.run("ASK { }", "application/json", None))
>>> reply.media, reply.payload
('application/sparql-results+json', '{"head": {}, "boolean": true}')
>>> pool.close()
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from dataclasses import dataclass

from kg.web.endpoint import Limits, ProtocolError


@dataclass
class Reply:
    """One query's answer as the client gets it."""

    media: str
    name: str
    payload: str
    truncated: str | None = None    # why the answer was cut (rows or bytes), else None


def _work(conn, location: str, limits: Limits, allow_federation: bool) -> None:
    """The loop of one worker process: open the store read-only, answer jobs."""
    from kg.store.backends import open_store
    from kg.web.endpoint import evaluate, negotiate, serialize

    store = open_store(location, read_only=True)
    store.allow_federation = allow_federation
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        text, accept, fmt, deadline_in = job
        try:
            answer = evaluate(store, text, limits, deadline=time.monotonic() + deadline_in)
            media, name = negotiate(answer.kind, accept, fmt)
            payload, why = _within_bytes(answer, name, limits)
            conn.send(("ok", Reply(media, name, payload, why)))
        except ProtocolError as exc:
            conn.send(("error", (exc.code, exc.http_status, exc.message)))
        except Exception as exc:           # noqa: BLE001 - reported to the client
            conn.send(("error", ("E309", 500, f"query failed: {exc}")))


def _within_bytes(answer, name: str, limits: Limits) -> tuple[str, str | None]:
    """The serialised answer, with as many rows as fit in ``limits.max_bytes``
    (found by halving), and why it was cut."""
    from kg.web.endpoint import serialize

    payload = serialize(answer, name)
    why = f"the answer was cut at {limits.max_rows} rows" if answer.truncated else None
    if len(payload.encode("utf-8")) <= limits.max_bytes:
        return payload, why
    items = answer.rows if answer.kind == "select" else answer.triples
    whole = list(items)
    low, high = 0, len(whole)
    while low < high:                      # the most rows that fit
        mid = (low + high + 1) // 2
        items[:] = whole[:mid]
        if len(serialize(answer, name).encode("utf-8")) <= limits.max_bytes:
            low = mid
        else:
            high = mid - 1
    items[:] = whole[:low]
    return serialize(answer, name), f"the answer was cut at {low} rows ({limits.max_bytes} bytes)"


class _Worker:
    def __init__(self, ctx, location, limits, allow_federation):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_work, args=(child, location, limits, allow_federation),
                                   daemon=True, name="kg-sparql-worker")
        self.process.start()
        child.close()
        if not self.conn.poll(120) or self.conn.recv() != "ready":
            self.stop()
            raise ProtocolError("E309", 500, detail="a query worker did not start")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """``workers`` processes answering SPARQL queries on the store at
    ``location``, at most ``queue`` more queries waiting for one.

    :meth:`run` gives the answer or raises :class:`ProtocolError`: 503 E306
    past ``limits.timeout`` (the worker is ended), 503 E307 when the queue
    is full or no worker became free in time.  :meth:`refresh` restarts the
    workers so they read the store's new state after an update.
    """

    def __init__(self, location: str, limits: Limits, *, workers: int = 2, queue: int = 8,
                 allow_federation: bool = False):
        self.location, self.limits = location, limits
        self.allow_federation = allow_federation
        self.size, self.queue = workers, queue
        self._ctx = multiprocessing.get_context("spawn")   # no fork of a threaded server
        self._idle: list[_Worker] = [self._start() for _ in range(workers)]
        self._busy: set[_Worker] = set()
        self._waiting = 0
        self._lock = threading.Lock()
        self._free = threading.Condition(self._lock)
        self._generation = 0
        self._closed = False

    def _start(self) -> _Worker:
        return _Worker(self._ctx, self.location, self.limits, self.allow_federation)

    def _take(self, wait: float) -> tuple[_Worker, int]:
        with self._free:
            if not self._idle and self._waiting >= self.queue:
                raise ProtocolError("E307", 503, workers=self.size)
            self._waiting += 1
            try:
                end = time.monotonic() + wait
                while not self._idle:
                    left = end - time.monotonic()
                    if left <= 0 or self._closed:
                        raise ProtocolError("E307", 503, workers=self.size)
                    self._free.wait(left)
                worker = self._idle.pop()
                self._busy.add(worker)
                return worker, self._generation
            finally:
                self._waiting -= 1

    def _give_back(self, worker: _Worker, healthy: bool, generation: int) -> None:
        if not healthy or generation != self._generation:
            worker.stop()
            worker = self._start()
        with self._free:
            self._busy.discard(worker)
            if self._closed:
                worker.stop()
                return
            self._idle.append(worker)
            self._free.notify()

    def _ask(self, text: str, accept: str | None, fmt: str | None) -> Reply:
        limit = self.limits.timeout
        worker, generation = self._take(wait=limit)
        healthy = False
        try:
            worker.conn.send((text, accept, fmt, limit))
            if not worker.conn.poll(limit + 1.0):        # past its limit: end it
                raise ProtocolError("E306", 503, limit=limit)
            status, value = worker.conn.recv()
            healthy = True
        except (EOFError, OSError, BrokenPipeError):
            raise ProtocolError("E309", 500, detail="the query worker stopped") from None
        finally:
            self._give_back(worker, healthy, generation)
        if status == "error":
            code, http_status, message = value
            err = ProtocolError("E309", http_status, detail=message)
            err.code, err.message = code, message       # the worker's own code and line
            raise err
        return value

    async def run(self, text: str, accept: str | None, fmt: str | None) -> Reply:
        """Answer one query, from a daemon thread that waits for a worker
        process (an executor's thread would hold up the server's exit until
        a runaway query's limit)."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()

        def settle(method, value):
            if not future.done():
                method(value)

        def wait():
            try:
                reply = self._ask(text, accept, fmt)
            except BaseException as exc:      # noqa: BLE001 - handed to the request
                loop.call_soon_threadsafe(settle, future.set_exception, exc)
            else:
                loop.call_soon_threadsafe(settle, future.set_result, reply)

        threading.Thread(target=wait, daemon=True, name="kg-sparql-wait").start()
        return await future

    def refresh(self) -> None:
        """Restart every worker (idle ones now, busy ones when they finish):
        a read-only view of the store does not see later writes."""
        with self._free:
            self._generation += 1
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()
        fresh = [self._start() for _ in idle]
        with self._free:
            self._idle.extend(fresh)
            self._free.notify_all()

    def close(self) -> None:
        """End every worker at once (SIGTERM of the server)."""
        with self._free:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle = []
            self._free.notify_all()
        for worker in workers:
            worker.stop()


class ReadWriteLock:
    """Many readers or one writer: the API's answers read the store while
    an update (which closes and reopens it) waits for them, and they wait
    for it.

    >>> lock = ReadWriteLock()
    >>> with lock.reading():
    ...     with lock.reading():
    ...         pass
    >>> with lock.writing():
    ...     pass
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    def reading(self):
        return _Held(self, False)

    def writing(self):
        return _Held(self, True)

    def _acquire(self, write: bool) -> None:
        with self._cond:
            if write:
                while self._writer or self._readers:
                    self._cond.wait()
                self._writer = True
            else:
                while self._writer:
                    self._cond.wait()
                self._readers += 1

    def _release(self, write: bool) -> None:
        with self._cond:
            if write:
                self._writer = False
            else:
                self._readers -= 1
            self._cond.notify_all()


class _Held:
    def __init__(self, lock: ReadWriteLock, write: bool):
        self.lock, self.write = lock, write

    def __enter__(self):
        self.lock._acquire(self.write)

    def __exit__(self, *exc):
        self.lock._release(self.write)


def _write(conn, location: str, text: str, allow_federation: bool) -> None:
    """One update in a process of its own (which holds the store meanwhile)."""
    from kg.messages import KGError
    from kg.store.backends import open_store

    try:
        store = open_store(location)
        store.allow_federation = allow_federation
        try:
            store.query(text, allow_update=True)
        finally:
            store.close()
        conn.send(None)
    except KGError as exc:
        conn.send(exc.message)


def run_update(location: str, text: str, limit: float, allow_federation: bool = False) -> None:
    """Run the SPARQL update ``text`` on the store at ``location`` in a
    process that is ended past ``limit`` seconds (an update is one
    transaction: ended, it changed nothing).  The caller must not hold the
    store open meanwhile.  Raises :class:`ProtocolError`: 503 E306 past the
    limit, 400 E309 for an update the store refused."""
    ctx = multiprocessing.get_context("spawn")
    conn, child = ctx.Pipe()
    process = ctx.Process(target=_write, args=(child, location, text, allow_federation),
                          daemon=True, name="kg-sparql-update")
    process.start()
    child.close()
    try:
        if not conn.poll(limit + 5.0):     # + the process's start
            raise ProtocolError("E306", 503, limit=limit)
        problem = conn.recv()
    except EOFError:
        raise ProtocolError("E309", 500, detail="the update process stopped") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        conn.close()
    if problem:
        raise ProtocolError("E309", 400, detail=problem)
