"""kovablik.compiled.bind: placeholders replaced by type and value, nothing else touched."""

import datetime

from psycopg.types.numeric import Int2

from kovablik.compiled import bind


def test_bind_replaces_placeholders_by_type_and_value():
    at = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
    now = datetime.datetime(2026, 11, 22, tzinfo=datetime.UTC)
    params = (-7, "-slug-", True, 1, -7.0, at, [1, 2], None, Int2(32719))
    assert bind(params, {-7: 42, "-slug-": "kolabik-2022", at: now, 1: 99, 32719: 3}) == [
        42,
        "kolabik-2022",
        True,  # True == 1, but not the placeholder's type
        99,
        -7.0,  # -7.0 == -7, but a float
        now,
        [1, 2],  # unhashable: never a placeholder
        None,
        3,  # PostgreSQL's small integers come as psycopg's Int2: matched by value
    ]
