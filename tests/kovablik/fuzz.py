"""Hypothesis strategies and invariants for fuzzing the portal's forms through real requests."""

import hashlib

from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kovablik.backup import model_tables

# Tables a refused request may still write: the session, the login throttle's counters and its access log.
BOOKKEEPING = ("django_session", "axes_")

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "-0",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 400,
    "0." + "0" * 300 + "1",
    "2024-02-30",
    "31/12/2024",
    "\uff12\uff10\uff12\uff14-\uff10\uff11-\uff10\uff11",  # full-width digits
    "١٢٣",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "%(x)s",
    "ꦗꦮ ᬩᬮᬶ",
    "😀" * 30,
    "\u202eevil",
    "a\r\nb",
    "https://evil.example/",
    "//evil.example",
    "javascript:alert(1)",
]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
VALUES = st.one_of(
    TEXT,
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.just("x" * 300_000),
)
FIELD_VALUE = st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3))

FUZZ = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def form_data(fields):
    """Any subset of the form's fields (missing ones left out), each with a hostile value, plus a stray field."""
    return st.dictionaries(st.sampled_from(list(fields)), FIELD_VALUE).flatmap(
        lambda data: st.dictionaries(TEXT.filter(lambda k: k not in fields), VALUES, max_size=1).map(
            lambda extra: {**data, **extra}
        )
    )


def database_fingerprint() -> dict[str, str]:
    """A digest of every row of every model table except bookkeeping; equal digests mean nothing was written."""
    digests = {}
    with connection.cursor() as cursor:
        for table in model_tables():
            if table.startswith(BOOKKEEPING):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(table for table in after if before.get(table) != after[table])


def assert_no_server_error(response):
    assert response.status_code < 500, response.content[:2000]


def assert_refused_or_whole(response, before):
    """Never a server error; a request that was not accepted (no redirect) wrote nothing at all."""
    assert_no_server_error(response)
    if response.status_code not in (301, 302, 303):
        changed = changed_tables(before, database_fingerprint())
        assert changed == [], f"refused with {response.status_code} but wrote to {changed}"


def post_refused_or_whole(client, url, data):
    """Post data to url: never a server error, and a refused post wrote nothing."""
    before = database_fingerprint()
    assert_refused_or_whole(client.post(url, data), before)


def fuzz_form(client, url, fields, fuzz_settings=FUZZ):
    """Post hostile values for the form's fields to url: never a server error, a refused post writes nothing."""

    @fuzz_settings
    @given(data=form_data(fields))
    def fuzz(data):
        post_refused_or_whole(client, url, data)

    fuzz()
