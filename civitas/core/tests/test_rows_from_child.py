import random

import pytest

from civitas.core.seeding import RowsFromChild


def test_rows_made_in_a_child_come_in_order_with_what_the_child_finished_with():
    rng = random.Random(7)
    made = RowsFromChild(lambda: ((index, rng.random()) for index in range(25)), rng.getstate, batch=4)

    rows = list(made)

    expected = random.Random(7)
    assert rows == [(index, expected.random()) for index in range(25)]
    assert made.result == expected.getstate()  # the child's stream, which went on
    assert rng.getstate() == random.Random(7).getstate()  # this process's, which did not


def test_a_failure_in_the_child_is_raised_here_after_the_rows_it_made():
    def make():
        yield (1,)
        raise ValueError("no more rows")

    rows = []
    with pytest.raises(RuntimeError, match="ValueError: no more rows"):
        rows.extend(RowsFromChild(make, lambda: None, batch=1))
    assert rows == [(1,)]
