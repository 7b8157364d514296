"""The public results page cached whole for anonymous visitors: a hit is one cache round trip and no query.

Each cached page carries the version it was rendered under; the current version lives under its own key and both
are fetched together (one MGET on Redis). Anything that changes what the page shows sets a new version: the
services that publish lists and winners call `invalidate()`, and the receivers below catch the same models edited
elsewhere (the admin: a competition hidden or renamed, winners withdrawn, a row corrected). A render reads the
version before its queries, so a render that raced with a change is stored under the old version and never served.
The page also changes by itself when an objection window closes: `timeout()` ends the entry at that moment.
"""

import logging
import math
import secrets
from functools import cache as once
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
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

VERSION_KEY = "awards:public_results:version"
# Upper bound on an entry's life, for what no receiver sees: an agency or an innovation renamed, a bulk update.
MAX_AGE_SECONDS = 15 * 60
ROWS_MAX_AGE_SECONDS = 24 * 60 * 60
# Redis stopped or unreachable: the page is rendered as without a cache rather than failing.
CACHE_DOWN = (RedisError, OSError)

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


# Values are bytes in both cases: the version token, and the page as b"<version>\n<content type>\n<content>".
def _get_many(keys) -> list:
    client = _redis(caches[DEFAULT_CACHE_ALIAS])
    if client is not None:
        return client.mget([cache.make_key(key) for key in keys])
    found = cache.get_many(keys)
    return [found.get(key) for key in keys]


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
    return f"awards:public_results:{_static_build()}:{slug}:{language}"


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


def lookup(slug, language) -> tuple[HttpResponse | None, bytes | None]:
    """(the cached response, None) on a hit; (None, the version to store a fresh render under) on a miss."""
    try:
        entry, version = _get_many([page_key(slug, language), VERSION_KEY])
        if version is not None and entry is not None:
            entry_version, content_type, content = entry.split(b"\n", 2)
            if entry_version == version:
                return HttpResponse(content, content_type=content_type.decode()), None
        if version is None:
            # First use, or the key was evicted: a random value, so no page of an earlier version can match it.
            _set(VERSION_KEY, _token(), only_new=True)
            version = _get_many([VERSION_KEY])[0]
    except CACHE_DOWN:
        logger.warning("cache unreachable: public results page rendered without it")
        return None, None
    return None, version


def store(slug, language, version, response, timeout_seconds) -> None:
    if version is None or response.status_code != 200:
        return
    value = b"\n".join([version, response["Content-Type"].encode(), response.content])
    try:
        _set(page_key(slug, language), value, timeout_seconds)
    except CACHE_DOWN:
        logger.warning("cache unreachable: public results page not stored")


def rows_html(snapshot, rows) -> str:
    """A published list's rendered rows, cached under its content hash and the language: a list never changes.

    Pages that are not cached whole (signed-in visitors, the list's own page) still skip reading its rows.
    """
    key = f"awards:public_rows:{snapshot.content_hash}:{get_language()}"
    try:
        html = cache.get(key)
    except CACHE_DOWN:
        return render_to_string("awards/_public_rows.html", {"rows": rows})
    if html is None:
        html = render_to_string("awards/_public_rows.html", {"rows": rows})
        try:
            cache.set(key, str(html), ROWS_MAX_AGE_SECONDS)
        except CACHE_DOWN:
            logger.warning("cache unreachable: public list rows not stored")
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
