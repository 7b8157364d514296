"""SQL of the hottest lookups compiled once per process, run with each request's values.

Django builds a queryset's SQL every time it is evaluated. For the few lookups every signed-in page makes (the
user's roles, the judge's assignment and queue counts, the committee's stage, the agency's cards) that cost more CPU
than PostgreSQL spends answering them: 0.5-1.5 ms each against ~0.1 ms (measured on the bench's national data). Such
a lookup builds its queryset once per process and database vendor (functools.cache) with placeholder values where a
request's values go, keeps `queryset.query.sql_with_params()`, and on each call runs that SQL with
`bind(params, {placeholder: value})`.

Rules for a compiled lookup:
- every value that varies between calls (ids, slugs, the current time) is a placeholder: a value no request has (a
  negative id, a sentinel text), never computed inside the cached builder;
- the SQL follows the models of the running process; a deploy restarts the processes;
- a test checks that two calls with different values bind their own values.
"""

from collections.abc import Iterable


def _kind(value):
    """What a parameter is matched by: integers by value whatever their class (the PostgreSQL backend passes small
    integer columns' values as psycopg's Int2), booleans and everything else by their own type and value."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (int, int(value))
    return (type(value), value)


def bind(params: Iterable, values: dict) -> list:
    """The compiled parameters with each placeholder replaced by the call's value.

    A placeholder never replaces a parameter that merely compares equal to it: True == 1 and -7.0 == -7 stay.
    """
    wanted = {_kind(placeholder): value for placeholder, value in values.items()}
    bound = []
    for param in params:
        try:
            bound.append(wanted.get(_kind(param), param))
        except TypeError:  # an unhashable parameter (a list for an array column) is never a placeholder
            bound.append(param)
    return bound
