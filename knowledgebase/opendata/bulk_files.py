"""Serving the bulk download files: the manifest, whether the files are current, and the files themselves.

``build_downloads`` (``opendata.bulk``) writes the files into ``DOWNLOADS_ROOT`` and lists them in
``manifest.json``; this module only reads. Each file has a public name (``events.en.csv.gz``) that the
manifest maps to the file on disk, whose name carries its SHA-256 and never changes once written:

* ``/data/files/<name>.gz`` is the gzip file as it is (``application/gzip``);
* ``/data/files/<name>`` (``events.en.csv``) is the same file as CSV or JSON Lines: sent with
  ``Content-Encoding: gzip`` to a client that accepts gzip, decompressed while it is sent to one that
  does not. An unfiltered CSV download is redirected here (``download_redirect``), so a script that
  asked for ``/events/export.csv`` still receives CSV.
* Every answer has a strong ``ETag`` (the SHA-256 of the bytes it sends), ``Last-Modified`` (the build
  time), ``Content-Length``, and answers a conditional GET or HEAD with 304.
* Never half a file: a request finds its file through the manifest it read, and opens it; files are
  written whole under a new name before the manifest names them, and a file is deleted only by the
  build after the one that stopped listing it. An open file is read whole whatever happens to its name.
* ``/data/files/manifest.json``: the public part of the manifest (names, rows, sizes, checksums, times).

The files are *current* when no content changed since their build began: the manifest keeps the
content version (``serving.content_version``) the build started from. Only current files stand in for
the live download; stale ones are still served under their own names, with their build time.
"""

import datetime
import hashlib
import json
import logging
import os
import re
import zlib
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from knowledgebase.serving.content_version import content_changed_at, content_version

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
# What each format is served as: its extension, and its media type once decompressed.
EXTENSIONS = {"csv": "csv", "jsonl": "jsonl"}
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
GZIP_TYPE = "application/gzip"
SUFFIX = ".gz"
# A stored file's name: the public name with its SHA-256 before the extension, nothing else.
STORED_NAME = re.compile(r"[a-z0-9-]+\.[a-z]{2}\.[0-9a-f]{16}\.(csv|jsonl)\.gz")
READ_BLOCK = 256 * 1024
# Public fields of each file in /data/files/manifest.json.
PUBLIC_FIELDS = (
    "name",
    "dataset",
    "format",
    "language",
    "rows",
    "bytes",
    "sha256",
    "content_bytes",
    "content_sha256",
    "built_at",
)


def downloads_root():
    return Path(settings.DOWNLOADS_ROOT)


def public_name(slug, fmt, language, compressed=True):
    """``events.en.csv.gz``, or without ``.gz`` the name it is served under decompressed."""
    return f"{slug}.{language}.{EXTENSIONS[fmt]}" + (SUFFIX if compressed else "")


def fingerprint(export, fmt, language):
    """What a file's bytes depend on besides the content: its columns, the address of the site (in every
    event's permalink), the format and the language. A release that changes one makes the file stale."""
    parts = [MANIFEST_FORMAT, export.slug, fmt, language, settings.SITE_URL]
    parts += [(column.name, column.hxl) for column in export.columns]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


_read = {"key": None, "manifest": None}


def read_manifest(root=None):
    """The manifest of the last finished build (a dict), or None when there is none (or it cannot be
    read). Parsed once per version of the file: a request costs one ``stat``."""
    path = Path(root or downloads_root()) / MANIFEST
    try:
        status = os.stat(path)
    except OSError:
        return None
    key = (str(path), status.st_ino, status.st_mtime_ns, status.st_size)
    if _read["key"] == key:
        return _read["manifest"]
    try:
        with open(path, "rb") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        logger.warning("The downloads' manifest %s cannot be read.", path, exc_info=True)
        return None
    if not _valid(manifest):
        logger.warning("The downloads' manifest %s is not one this release writes: ignored.", path)
        return None
    _read.update(key=key, manifest=manifest)
    return manifest


def _valid(manifest):
    return (
        isinstance(manifest, dict)
        and manifest.get("format") == MANIFEST_FORMAT
        and isinstance(manifest.get("files"), list)
        and all(isinstance(item, dict) and STORED_NAME.fullmatch(str(item.get("file"))) for item in manifest["files"])
    )


def is_current(manifest):
    """True when no content changed since the build began. False when it did, and when nobody can tell:
    the build ran without a cache shared with this process (no Redis), so its version means nothing here."""
    if manifest is None or manifest.get("content_version") is None:
        return False
    return (manifest["content_version"], manifest.get("content_changed_at")) == (
        content_version(),
        content_changed_at(),
    )


def freshness(manifest):
    """'current', 'stale' (content changed since the build), or None when it cannot be told."""
    if manifest is None or manifest.get("content_version") is None:
        return None
    return "current" if is_current(manifest) else "stale"


def current_file(export, fmt, language, root=None):
    """The manifest's entry for ``export``'s file in ``fmt`` and ``language`` if it holds exactly what the
    download without filters would give now (current, same columns and site address), else None."""
    manifest = read_manifest(root)
    if not is_current(manifest):
        return None
    name = public_name(export.slug, fmt, language)
    for entry in manifest["files"]:
        if entry.get("name") == name and entry.get("fingerprint") == fingerprint(export, fmt, language):
            return entry if (Path(root or downloads_root()) / entry["file"]).is_file() else None
    return None


def download_redirect(export, fmt, language):
    """A redirect to the current file of an unfiltered download, served as the download's own format
    (CSV, not a gzip file); None when there is no current file."""
    entry = current_file(export, fmt, language)
    if entry is None:
        return None
    return HttpResponseRedirect(reverse("data-file", args=[public_name(export.slug, fmt, language, compressed=False)]))


def accepts_gzip(request):
    """True when Accept-Encoding accepts gzip (by name or by ``*``, with a quality above 0)."""
    qualities = {}
    for part in request.headers.get("Accept-Encoding", "").split(","):
        coding, *parameters = (item.strip() for item in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _sep, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding:
            qualities[coding.lower()] = quality
    for coding in ("gzip", "x-gzip", "*"):
        if coding in qualities:
            return qualities[coding] > 0
    return False


def _decompressed(handle):
    """The file's content, decompressed block by block; the file is closed at the end or when the
    response is closed."""
    try:
        inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        while block := handle.read(READ_BLOCK):
            if data := inflater.decompress(block):
                yield data
        if tail := inflater.flush():
            yield tail
    finally:
        handle.close()


def _built_at(entry):
    return int(datetime.datetime.fromisoformat(entry["built_at"]).timestamp())


def _find(manifest, name):
    """(entry, served compressed as a .gz file) for a public name, or (None, False)."""
    for entry in (manifest or {}).get("files", []):
        if entry.get("name") == name:
            return entry, True
        if entry.get("name") == name + SUFFIX:
            return entry, False
    return None, False


@require_safe
def data_file(request, name):
    """A bulk file (``events.en.csv.gz``), or its content (``events.en.csv``), or the public manifest."""
    manifest = read_manifest()
    if name == MANIFEST:
        return public_manifest(manifest)
    entry, as_file = _find(manifest, name)
    if entry is None:
        raise Http404
    gzipped = as_file or accepts_gzip(request)
    etag, length = (entry["sha256"], entry["bytes"]) if gzipped else (entry["content_sha256"], entry["content_bytes"])
    headers = HttpResponse()
    headers["ETag"] = f'"{etag}"'
    headers["Last-Modified"] = http_date(_built_at(entry))
    headers["Cache-Control"] = f"public, max-age={settings.PUBLIC_MAX_AGE}"
    if not as_file:
        headers["Vary"] = "Accept-Encoding"
    conditional = get_conditional_response(
        request, etag=headers["ETag"], last_modified=_built_at(entry), response=headers
    )
    if conditional is not headers:
        return conditional
    response = _body(request, entry, as_file, gzipped)
    for header, value in headers.items():
        if header != "Content-Type":
            response[header] = value
    response["Content-Type"] = GZIP_TYPE if as_file else MEDIA_TYPES[entry["format"]]
    if gzipped and not as_file:
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(length)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Language"] = entry["language"]
    return response


def _body(request, entry, as_file, gzipped):
    if request.method == "HEAD":
        return HttpResponse()
    try:
        handle = open(downloads_root() / entry["file"], "rb")  # noqa: SIM115 - the response closes it
    except FileNotFoundError:
        raise Http404 from None
    if gzipped:
        return FileResponse(handle)
    return StreamingHttpResponse(_decompressed(handle))


def public_manifest(manifest):
    """The files of the last build: names, rows, sizes, checksums and build times (nothing of the server)."""
    if manifest is None:
        raise Http404
    files = [
        {**{field: entry.get(field) for field in PUBLIC_FIELDS}, "url": reverse("data-file", args=[entry["name"]])}
        for entry in manifest["files"]
    ]
    response = JsonResponse({"built_at": manifest.get("built_at"), "current": is_current(manifest), "files": files})
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_MAX_AGE}"
    return response
