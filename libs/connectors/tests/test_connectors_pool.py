"""The pure pool bookkeeping: reuse order, limits, waiters, expiry, eviction, invariants."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from httpwire_connectors._pool import Grant, Pool, Waiter


class Item:
    """A stand-in connection."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


def grant_of(waiter: Waiter[str, Item]) -> Grant[Item] | None:
    """Read a waiter's grant afresh (the pool sets it behind the type checker's back)."""
    return waiter.grant


def make(limit: int = 0, per_host: int = 0, keepalive: float = 10.0) -> Pool[str, Item]:
    return Pool(limit=limit, limit_per_host=per_host, keepalive_timeout=keepalive)


def open_new(pool: Pool[str, Item], key: str, name: str, now: float = 0.0) -> Item:
    grant, actions = pool.acquire(key, now)
    assert grant is not None
    assert grant.item is None
    assert actions.close == []
    item = Item(name)
    pool.connected(key, item)
    return item


def test_idle_reuse_is_lifo() -> None:
    pool = make()
    a, b = open_new(pool, "k", "a"), open_new(pool, "k", "b")
    pool.release("k", a, 1.0, reusable=True)
    pool.release("k", b, 2.0, reusable=True)
    grant, _ = pool.acquire("k", 3.0)
    assert grant is not None
    assert grant.item is b
    grant, _ = pool.acquire("k", 3.0)
    assert grant is not None
    assert grant.item is a
    assert pool.stats().reused == 2


def test_acquire_closes_a_key_whose_newest_idle_connection_expired() -> None:
    pool = make(keepalive=5)
    a, b = open_new(pool, "k", "a"), open_new(pool, "k", "b")
    pool.release("k", a, 0.0, reusable=True)
    pool.release("k", b, 1.0, reusable=True)
    grant, actions = pool.acquire("k", 6.0)
    assert actions.close == [a, b]
    assert grant is not None
    assert grant.item is None


def test_idle_is_per_key() -> None:
    pool = make()
    a = open_new(pool, "k1", "a")
    pool.release("k1", a, 0.0, reusable=True)
    grant, _ = pool.acquire("k2", 0.0)
    assert grant is not None
    assert grant.item is None


def test_not_reusable_is_closed() -> None:
    pool = make()
    a = open_new(pool, "k", "a")
    actions = pool.release("k", a, 0.0, reusable=False)
    assert actions.close == [a]
    assert pool.stats().idle == 0


def test_zero_keepalive_never_pools() -> None:
    pool = make(keepalive=0)
    a = open_new(pool, "k", "a")
    assert pool.release("k", a, 0.0, reusable=True).close == [a]


def test_expired_idle_connections_are_closed_on_acquire_and_on_expire() -> None:
    pool = make(keepalive=5)
    a, b, c = (open_new(pool, "k", n) for n in "abc")
    pool.release("k", a, 0.0, reusable=True)
    pool.release("k", b, 3.0, reusable=True)
    pool.release("k", c, 4.0, reusable=True)
    assert pool.next_expiry() == 5.0
    assert pool.expire(5.0).close == [a]
    grant, actions = pool.acquire("k", 8.5)
    assert actions.close == []  # the newest is fresh; older ones are left to expire()
    assert pool.expire(8.5).close == [b]
    assert grant is not None
    assert grant.item is c
    assert pool.stats().expired == 2


def test_limit_counts_idle_and_evicts_the_oldest_idle_of_another_key() -> None:
    pool = make(limit=2)
    a, b = open_new(pool, "k1", "a"), open_new(pool, "k1", "b")
    pool.release("k1", a, 1.0, reusable=True)
    pool.release("k1", b, 2.0, reusable=True)
    grant, actions = pool.acquire("k2", 3.0)
    assert grant is not None
    assert grant.item is None
    assert actions.close == [a]
    assert pool.open_count() == 2
    assert pool.stats().evicted == 1


def test_limit_waiters_are_served_fifo() -> None:
    pool = make(limit=1)
    a = open_new(pool, "k", "a")
    assert pool.acquire("k", 0.0)[0] is None
    w1, w2 = pool.enqueue("k"), pool.enqueue("k")
    actions = pool.release("k", a, 1.0, reusable=True)
    assert actions.wake == [w1]
    assert w1.grant is not None
    assert w1.grant.item is a
    assert w2.grant is None
    actions = pool.release("k", a, 2.0, reusable=False)
    assert actions.close == [a]
    assert actions.wake == [w2]
    second_grant = grant_of(w2)
    assert second_grant is not None
    assert second_grant.item is None


def test_per_host_limit_does_not_block_other_keys() -> None:
    pool = make(limit=3, per_host=1)
    a = open_new(pool, "k1", "a")
    assert pool.acquire("k1", 0.0)[0] is None
    waiter = pool.enqueue("k1")
    grant, _ = pool.acquire("k2", 0.0)
    assert grant is not None
    pool.connect_failed("k2", 0.0)
    actions = pool.forget("k1", a, 0.0)
    assert actions.wake == [waiter]


def test_cancelled_waiter_gives_its_grant_back() -> None:
    pool = make(limit=1)
    a = open_new(pool, "k", "a")
    w1, w2 = pool.enqueue("k"), pool.enqueue("k")
    pool.release("k", a, 1.0, reusable=True)
    assert w1.grant is not None
    actions = pool.cancel(w1, 1.5)
    assert actions.wake == [w2]
    assert w2.grant is not None
    assert w2.grant.item is a


def test_cancelled_waiter_before_grant_leaves_the_queue() -> None:
    pool = make(limit=1)
    open_new(pool, "k", "a")
    waiter = pool.enqueue("k")
    pool.cancel(waiter, 0.0)
    assert pool.stats().waiting == 0


def test_failed_connect_frees_the_slot_for_a_waiter() -> None:
    pool = make(limit=1)
    grant, _ = pool.acquire("k", 0.0)
    assert grant is not None
    waiter = pool.enqueue("k")
    actions = pool.connect_failed("k", 0.0)
    assert actions.wake == [waiter]


def test_replace_keeps_the_slot() -> None:
    pool = make(limit=1)
    a = open_new(pool, "k", "a")
    pool.release("k", a, 0.0, reusable=True)
    grant, _ = pool.acquire("k", 0.0)
    assert grant is not None
    assert grant.item is a
    pool.replace("k", a)
    assert pool.stats().active == 0
    assert pool.stats().connecting == 1
    b = Item("b")
    pool.connected("k", b)
    assert pool.acquired_items() == [b]


def test_clear_returns_everything() -> None:
    pool = make(limit=1)
    a = open_new(pool, "k", "a")
    waiter = pool.enqueue("k")
    items, waiters = pool.clear()
    assert items == [a]
    assert waiters == [waiter]
    assert pool.open_count() == 0


def test_release_of_unknown_item_is_ignored() -> None:
    pool = make()
    assert pool.release("k", Item("x"), 0.0, reusable=True).close == []
    assert pool.forget("k", Item("x"), 0.0).wake == []


class PoolMachine(RuleBasedStateMachine):
    """Random sequences of pool operations never break the limits or lose a slot."""

    def __init__(self) -> None:
        super().__init__()
        self.limit = 3
        self.per_host = 2
        self.pool: Pool[str, Item] = make(limit=self.limit, per_host=self.per_host, keepalive=5)
        self.now = 0.0
        self.held: list[tuple[str, Item]] = []
        self.opening: list[str] = []
        self.waiters: list[Waiter[str, Item]] = []
        self.open_items: set[int] = set()
        self.counter = 0

    def _take(self, key: str, grant_item: Item | None) -> None:
        if grant_item is None:
            self.opening.append(key)
        else:
            self.held.append((key, grant_item))

    def _apply(self, close: list[Item], wake: list[Waiter[str, Item]]) -> None:
        for item in close:
            assert id(item) in self.open_items
            self.open_items.discard(id(item))
        for waiter in wake:
            self.waiters.remove(waiter)
            assert waiter.grant is not None
            self._take(waiter.key, waiter.grant.item)

    @rule(key=st.sampled_from(["a", "b", "c"]))
    def acquire(self, key: str) -> None:
        grant, actions = self.pool.acquire(key, self.now)
        self._apply(actions.close, actions.wake)
        if grant is None:
            self.waiters.append(self.pool.enqueue(key))
        else:
            self._take(key, grant.item)

    @precondition(lambda self: self.opening)
    @rule(data=st.data(), ok=st.booleans())
    def finish_opening(self, data: st.DataObject, ok: bool) -> None:
        key = self.opening.pop(data.draw(st.integers(0, len(self.opening) - 1)))
        if ok:
            self.counter += 1
            item = Item(f"i{self.counter}")
            self.open_items.add(id(item))
            self.pool.connected(key, item)
            self.held.append((key, item))
        else:
            actions = self.pool.connect_failed(key, self.now)
            self._apply(actions.close, actions.wake)

    @precondition(lambda self: self.held)
    @rule(data=st.data(), reusable=st.booleans())
    def release(self, data: st.DataObject, reusable: bool) -> None:
        key, item = self.held.pop(data.draw(st.integers(0, len(self.held) - 1)))
        actions = self.pool.release(key, item, self.now, reusable=reusable)
        self._apply(actions.close, actions.wake)

    @precondition(lambda self: self.waiters)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        waiter = self.waiters.pop(data.draw(st.integers(0, len(self.waiters) - 1)))
        actions = self.pool.cancel(waiter, self.now)
        self._apply(actions.close, actions.wake)

    @rule(dt=st.floats(0, 4))
    def tick(self, dt: float) -> None:
        self.now += dt
        actions = self.pool.expire(self.now)
        self._apply(actions.close, actions.wake)

    @invariant()
    def limits_hold(self) -> None:
        stats = self.pool.stats()
        assert stats.active == len(self.held)
        assert stats.connecting == len(self.opening)
        assert stats.waiting == len(self.waiters)
        assert self.pool.open_count() <= self.limit
        assert len(self.open_items) == stats.active + stats.idle
        for key in "abc":
            assert self.pool.open_count(key) <= self.per_host

    @invariant()
    def no_waiter_left_behind(self) -> None:
        # A waiter may only stay queued while its key could not get a connection right now.
        for waiter in self.waiters:
            key = waiter.key
            per_host_full = self.pool.open_count(key) >= self.per_host
            total_full = self.pool.open_count() >= self.limit and self.pool.stats().idle == 0
            assert per_host_full or total_full


PoolMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_pool_state_machine = PoolMachine.TestCase
