"""``in_step`` and ``side_by_side``: the seed's two ways of keeping both cores busy."""

import threading

import pytest

from civitas.core.seeding import in_step, side_by_side


def test_in_step_consumes_every_item_in_order_on_another_thread():
    # given: a consumer that notes the thread it runs on
    seen: list[tuple[int, str]] = []

    # when: ten items pass through
    in_step(iter(range(10)), lambda item: seen.append((item, threading.current_thread().name)))

    # then: all of them, in order, none on this thread
    assert [item for item, _thread in seen] == list(range(10))
    assert threading.current_thread().name not in {thread for _item, thread in seen}


def test_in_step_stops_the_producer_when_the_consumer_fails():
    made: list[int] = []

    def produce():
        for item in range(1000):
            made.append(item)
            yield item

    def consume(item: int) -> None:
        if item == 3:
            raise ValueError("bad batch")

    with pytest.raises(ValueError, match="bad batch"):
        in_step(produce(), consume, ahead=1)
    # one item waiting, one on its way at most: the producer did not run on to the end
    assert len(made) < 10


def test_in_step_raises_the_producers_error_after_the_consumer_has_finished():
    consumed: list[int] = []

    def produce():
        yield 1
        yield 2
        raise RuntimeError("generator failed")

    with pytest.raises(RuntimeError, match="generator failed"):
        in_step(produce(), consumed.append)
    assert consumed == [1, 2]


@pytest.mark.django_db
def test_inside_a_transaction_both_run_here_one_after_the_other():
    threads: set[str] = set()
    in_step(iter([1, 2]), lambda _item: threads.add(threading.current_thread().name))
    results = side_by_side(lambda: threading.current_thread().name, lambda: threading.current_thread().name)
    assert threads == {threading.current_thread().name}
    assert results == [threading.current_thread().name] * 2


@pytest.mark.django_db(transaction=True)
def test_side_by_side_answers_each_result_in_order():
    from django.db import connection

    results = side_by_side(lambda: 1, lambda: threading.current_thread().name, lambda: 3)
    assert results[0] == 1 and results[2] == 3
    if connection.vendor == "postgresql":  # on PostgreSQL, on threads of their own
        assert results[1] != threading.current_thread().name
