"""``ClientTimeout`` and the total-timeout context that bounds a request end to end."""

from __future__ import annotations

import asyncio
import dataclasses
from types import TracebackType

__all__ = ["ClientTimeout"]


@dataclasses.dataclass(frozen=True, slots=True)
class ClientTimeout:
    """Timeouts in seconds (``None``: no limit) for one request, as aiohttp defines them.

    ``total`` bounds the whole exchange, reading the body included (:class:`asyncio.TimeoutError`);
    ``connect`` getting a connection, pool wait included, and ``sock_connect`` opening one new
    connection (both :class:`~httpwire.ConnectionTimeoutError`); ``sock_read`` the wait for each
    piece of data from the server (:class:`~httpwire.SocketTimeoutError`). Timeouts above
    ``ceil_threshold`` seconds are rounded up to a whole second so their timers share loop slots.
    """

    total: float | None = None
    connect: float | None = None
    sock_read: float | None = None
    sock_connect: float | None = None
    ceil_threshold: float = 5

    def __post_init__(self) -> None:
        for field in ("total", "connect", "sock_read", "sock_connect"):
            value = getattr(self, field)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"ClientTimeout.{field} must be a number or None, got {value!r}")
            if value < 0:
                raise ValueError(f"ClientTimeout.{field} must not be negative, got {value!r}")


#: The session default: five minutes for the whole request, 30 seconds to open a connection.
DEFAULT_TIMEOUT = ClientTimeout(total=5 * 60, sock_connect=30)


def ceil_deadline(loop: asyncio.AbstractEventLoop, delay: float, ceil_threshold: float) -> float:
    """The loop time ``delay`` seconds from now, rounded up to a whole second past the threshold."""
    when = loop.time() + delay
    if delay > ceil_threshold:
        when = float(int(when) + 1)
    return when


class TimerContext:
    """The total deadline of one request: once it passes, the task waiting inside is cancelled
    and gets :class:`asyncio.TimeoutError`; later waits fail at once.

    Entered (``with timer:``) around each wait of the request path and of the body reads, so a
    deadline costs at most one loop timer per request (shared through :class:`SharedDeadlines`
    when deadlines coincide) and nothing per wait.
    """

    __slots__ = ("_cancelling", "_group", "_handle", "_loop", "_tasks", "_timed_out", "_total")

    def __init__(self, loop: asyncio.AbstractEventLoop, total: float | None = None) -> None:
        self._loop = loop
        self._total = total
        self._tasks: list[asyncio.Task[object]] = []
        self._cancelling: list[int] = []
        self._timed_out = False
        self._handle: asyncio.TimerHandle | None = None
        self._group: set[TimerContext] | None = None

    def start(self, when: float, shared: SharedDeadlines | None = None) -> None:
        """Fire at loop time ``when``: through ``shared`` if given, else by a timer of its own."""
        if shared is not None:
            self._group = shared.join(when, self)
        else:
            self._handle = self._loop.call_at(when, self.timeout)

    def cancel(self) -> None:
        """The request finished in time: drop the timer."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        group = self._group
        if group is not None:
            self._group = None
            group.discard(self)

    @property
    def timed_out(self) -> bool:
        """Whether the deadline has passed."""
        return self._timed_out

    def expired_error(self) -> TimeoutError:
        """The error a wait past the deadline raises: it says which timeout it was."""
        if self._total is None:
            return TimeoutError()
        return TimeoutError(f"The request's total timeout ({self._total:g} s) passed")

    def __enter__(self) -> TimerContext:
        task = asyncio.current_task(loop=self._loop)
        if task is None:
            raise RuntimeError("Timeout context manager should be used inside a task")
        if self._timed_out:
            raise self.expired_error() from None
        self._tasks.append(task)
        self._cancelling.append(task.cancelling())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool | None:
        task = self._tasks.pop()
        before = self._cancelling.pop()
        # Only our own cancellation becomes a timeout; an outer cancel() stays a cancel.
        if exc_type is asyncio.CancelledError and self._timed_out and task.uncancel() <= before:
            raise self.expired_error() from exc_val
        return None

    def timeout(self) -> None:
        """The deadline passed: cancel every task waiting inside the context."""
        self._handle = None
        self._group = None
        self._timed_out = True
        for task in set(self._tasks):
            task.cancel()


class SharedDeadlines:
    """One loop timer per deadline for the requests of a session whose deadlines coincide.

    Deadlines past ``ceil_threshold`` are whole seconds (:func:`ceil_deadline`), so the requests
    started within one second share a deadline: they join its group instead of each pushing a
    timer onto the loop's heap and cancelling it again. A group's timer stays scheduled once
    made (at most one per second of the longest timeout) and fires for whoever is still in it.
    """

    __slots__ = ("_groups", "_loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._groups: dict[float, set[TimerContext]] = {}

    def join(self, when: float, timer: TimerContext) -> set[TimerContext]:
        """Add ``timer`` to the group due at ``when`` and return the group."""
        group = self._groups.get(when)
        if group is None:
            group = self._groups[when] = set()
            self._loop.call_at(when, self._fire, when)
        group.add(timer)
        return group

    def _fire(self, when: float) -> None:
        for timer in list(self._groups.pop(when, ())):
            timer.timeout()

    def __len__(self) -> int:
        """How many deadlines have a timer scheduled."""
        return len(self._groups)


class _NoTimer:
    """Stands in for a timer when the request has no total timeout."""

    __slots__ = ()
    timed_out = False

    def expired_error(self) -> TimeoutError:
        """Never raised: there is no deadline."""
        return TimeoutError()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None

    def cancel(self) -> None:
        """Nothing to cancel."""


NO_TIMER = _NoTimer()
