"""The public results page cached whole for anonymous visitors: a hit is one small cache read and no query.

Each cached page carries the version it was rendered under; the current version lives under its own key. A worker
keeps the pages it served in memory and only reads the version to check them (one GET of 16 bytes); otherwise the
page and the version are fetched together (one MGET on Redis). Anything that changes what the page shows sets a
new version: the services that publish lists and winners call `invalidate()`, and the receivers below catch the
same models edited elsewhere (the admin: a competition hidden or renamed, winners withdrawn, a row corrected).
A render reads the version before its queries, so a render that raced with a change is stored under the old
version and never served. The page also changes by itself when an objection window closes: `timeout()` ends the
entry at that moment, in Redis and in the workers' memory alike.
"""

import logging
import math
import secrets
import time
from functools import cache as once
from typing import NamedTuple
from weakref import WeakKeyDictionary

from django.contrib.messages import get_messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from kovablik import caching
from kovablik.caching import CACHE_DOWN  # Redis stopped or unreachable: the page renders without the cache

logger = logging.getLogger(__name__)

VERSION_KEY = "awards:public_results:version"
ENTRY_FORMAT = 2  # part of the page keys: a release that changes _Entry reads none of the earlier entries
# Upper bound on an entry's life, for what no receiver sees: an agency or an innovation renamed, a bulk update.
MAX_AGE_SECONDS = 15 * 60
ROWS_MAX_AGE_SECONDS = 24 * 60 * 60

# Django's Redis backend builds a new redis.Redis (with its ~170 response callbacks) for every operation: twice the
# cost of the MGET itself. One client per backend object, over that backend's own connection pool, is reused.
_redis_clients = WeakKeyDictionary()


def _redis(backend):
    """The backend's redis client when it is Django's Redis backend (None for any other backend)."""
    try:
        return _redis_clients[backend]
    except KeyError:
        client = backend._cache.get_client(write=True) if isinstance(backend, RedisCache) else None
        _redis_clients[backend] = client
        return client


# Values are bytes on any backend: the version token, and the page as an _Entry's dump().
def _get_many(keys) -> list:
    client = _redis(caches[DEFAULT_CACHE_ALIAS])
    if client is not None:
        return client.mget([cache.make_key(key) for key in keys])
    found = cache.get_many(keys)
    return [found.get(key) for key in keys]


def _get(key):
    client = _redis(caches[DEFAULT_CACHE_ALIAS])
    if client is not None:
        return client.get(cache.make_key(key))
    return cache.get(key)


def _set(key, value, timeout_seconds=None, only_new=False) -> None:
    client = _redis(caches[DEFAULT_CACHE_ALIAS])
    if client is not None:
        client.set(cache.make_key(key), value, ex=timeout_seconds, nx=only_new)
    elif only_new:
        cache.add(key, value, timeout_seconds)
    else:
        cache.set(key, value, timeout_seconds)


@once
def _static_build() -> str:
    """The static files' manifest hash: a deploy with new CSS or JS names never serves pages pointing at old ones."""
    return getattr(staticfiles_storage, "manifest_hash", "") or ""


def page_key(slug, language) -> str:
    return f"awards:public_results:{ENTRY_FORMAT}:{_static_build()}:{slug}:{language}"


def cacheable(request) -> bool:
    """The page is the same for everyone asking in this language: anonymous, no search, no message waiting.

    Signed-in visitors (committee, agencies, judges) get their own navigation and a logout form with a CSRF token,
    so their page is rendered each time (its rows still come from the snapshot's fragment cache).
    """
    if request.GET.get("q", "").strip():
        return False
    if request.user.is_authenticated:
        return False
    return not len(get_messages(request))


class _Entry(NamedTuple):
    version: bytes
    expires_at: float  # time.time() when the page stops being true (an objection window closes) or MAX_AGE
    content_type: str
    content: bytes

    @classmethod
    def parse(cls, value):
        try:
            version, expires_at, content_type, content = value.split(b"\n", 3)
            return cls(version, float(expires_at), content_type.decode(), content)
        except (AttributeError, ValueError):  # none, or written by other code (an earlier release): a miss
            return None

    def dump(self) -> bytes:
        return b"\n".join([self.version, repr(self.expires_at).encode(), self.content_type.encode(), self.content])

    def fresh(self, version) -> bool:
        return version is not None and self.version == version and time.time() < self.expires_at


# The pages this worker process fetched or rendered last: a hit then reads the 16-byte version, not the whole page.
_local: dict[str, _Entry] = {}
LOCAL_MAX_ENTRIES = 64


def _remember(key, entry) -> None:
    if key not in _local and len(_local) >= LOCAL_MAX_ENTRIES:
        _local.clear()
    _local[key] = entry


def lookup(slug, language) -> tuple[HttpResponse | None, bytes | None]:
    """(the cached response, None) on a hit; (None, the version to store a fresh render under) on a miss."""
    key = page_key(slug, language)
    try:
        entry = _local.get(key)
        if entry is None:
            value, version = _get_many([key, VERSION_KEY])
            entry = _Entry.parse(value)
        else:
            version = _get(VERSION_KEY)
            if not entry.fresh(version):  # another worker may have stored the current version's page
                entry = _Entry.parse(_get(key))
        if entry is not None and entry.fresh(version):
            _remember(key, entry)
            return HttpResponse(entry.content, content_type=entry.content_type), None
        if version is None:
            # First use, or the key was evicted: a random value, so no page of an earlier version can match it.
            _set(VERSION_KEY, _token(), only_new=True)
            version = _get(VERSION_KEY)
    except CACHE_DOWN:
        logger.warning("cache unreachable: public results page rendered without it")
        return None, None
    return None, version


def store(slug, language, version, response, timeout_seconds) -> None:
    if version is None or response.status_code != 200:
        return
    key = page_key(slug, language)
    entry = _Entry(version, time.time() + timeout_seconds, response["Content-Type"], response.content)
    try:
        _set(key, entry.dump(), timeout_seconds)
    except CACHE_DOWN:
        logger.warning("cache unreachable: public results page not stored")
        return
    _remember(key, entry)


def rows_html(snapshot, rows) -> str:
    """A published list's rendered rows, cached under its content hash and the language: a list never changes.

    Pages that are not cached whole (signed-in visitors, the list's own page) still skip reading its rows.
    """
    key = f"awards:public_rows:{snapshot.content_hash}:{get_language()}"
    html = caching.get(key)
    if html is None:
        html = render_to_string("awards/_public_rows.html", {"rows": rows})
        caching.set(key, str(html), ROWS_MAX_AGE_SECONDS)
    return mark_safe(html)  # our own template's output, stored as rendered


def timeout(snapshots, now=None) -> int:
    """Seconds the rendered page stays true: until the next objection window on it closes, at most MAX_AGE."""
    now = now or timezone.now()
    ends = [s.objections_until for s in snapshots if s.objections_until and s.objections_until > now]
    if not ends:
        return MAX_AGE_SECONDS
    return max(1, min(MAX_AGE_SECONDS, math.ceil((min(ends) - now).total_seconds())))


def _token() -> bytes:
    return secrets.token_hex(8).encode()


def _new_version() -> None:
    try:
        _set(VERSION_KEY, _token())
    except CACHE_DOWN:
        logger.warning("cache unreachable: public results pages not invalidated (they expire by themselves)")


def invalidate() -> None:
    """Drop every cached results page, now and again once the current transaction commits.

    The first change stops serving the old page at once; the second one discards a page that a request rendered
    from the data as it was before the commit. Outside a transaction both happen at once.
    """
    _new_version()
    transaction.on_commit(_new_version)


def _changed(sender, **kwargs):
    if kwargs.get("raw"):  # loaddata
        return
    invalidate()


def connect_receivers() -> None:
    """Invalidate on any save or delete of what the page shows, whoever makes it (services, admin, shell)."""
    from awards.models import Award, ShortlistRow, ShortlistSnapshot, WinnersRelease
    from competitions.models import Category, Competition, Stage

    for model in (Competition, Stage, Category, ShortlistSnapshot, ShortlistRow, Award, WinnersRelease):
        uid = f"awards.public_cache.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.delete")
