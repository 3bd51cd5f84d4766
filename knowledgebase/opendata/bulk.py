"""Bulk downloads: the whole published dataset as files, rebuilt by ``manage.py build_downloads``.

Like ACLED's and UCDP's, for readers who want everything: for each dataset (``Dataset``: the events,
their figures, the displacement statistics) and each language of the site, the rows the list's download
gives without filters, as CSV with its HXL row and as JSON Lines, each gzip-compressed, in
``DOWNLOADS_ROOT`` (outside the code; nothing needs them to exist). ``bulk_files`` serves them.

* The download's own bytes: a file is written by the download's writer (``exports.file_rows``, by COPY
  on PostgreSQL) over the rows its list's FilterSet selects without parameters, in the language of the
  file. Decompressed, the CSV is ``/events/export.csv`` byte for byte, and the JSON Lines file is
  ``/events/export.json`` without its brackets, an object a line.
* Whole or not at all: each file is written to a temporary file in the same folder, flushed and
  fsynced, then renamed (``os.replace``) to a name that carries its SHA-256; the manifest that maps the
  public names to those files is replaced the same way, last. A file the new manifest no longer names
  is deleted by the next build, so a reader who read the old manifest still finds its file.
* The same bytes on every server: gzip without a time stamp or a file name.
* Fast: the events keep their cells of several values on their rows (``Event.export_*``), so the events
  file is one sorted read of one table, with no aggregate; the rows are read from the database while a
  second thread compresses and hashes the blocks before them (``_InThread``).
* Debounced: the manifest keeps the content version (``serving.content_version``) its build started
  from. ``stale_reason`` says why a build is due; the command's ``--debounce`` waits until the last
  change is old enough, so that a reviewer publishing ten records in a row causes one build.
* One build at a time per folder: a second one finds the lock taken and stops.
"""

import contextlib
import datetime
import fcntl
import gzip
import hashlib
import json
import os
import queue
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.http import HttpRequest
from django.utils import timezone, translation

from knowledgebase.core.filtering import bind_filters
from knowledgebase.opendata.bulk_files import (
    EXTENSIONS,
    MANIFEST,
    MANIFEST_FORMAT,
    STORED_NAME,
    downloads_root,
    fingerprint,
    public_name,
    read_manifest,
)
from knowledgebase.opendata.exports import FILE_FORMATS, file_rows
from knowledgebase.serving.content_version import CHANGED_KEY, VERSION_KEY

# Measured on the million-event CSV (423 MB): level 3 packs it 8:1 in 2.3 s of CPU, level 6 (gzip's
# default) 10:1 in 5.2 s, level 1 6.7:1 in 2.1 s.
COMPRESS_LEVEL = 3
BLOCK_SIZE = 256 * 1024
# A build's query, on PostgreSQL, for the build's own transaction only:
# * sorts in memory (the default, 4 MB, sorts on disk): a million events' rows take about 170 MB in each of
#   the query's three processes (the leader and two parallel workers), which at 128 MB spilled to disk;
#   the figures' hash tables take up to 127 MB;
# * is not compiled by JIT: the estimated cost of a million rows makes PostgreSQL compile (and optimise) the
#   row's expressions in each process, 2.8 s of CPU at 1M events before the first row, for no gain.
BUILD_SETTINGS = {"work_mem": "512MB", "jit": "off"}
LOCK = ".build.lock"
TEMPORARY_PREFIX = ".tmp-"
# A temporary file this old belongs to a build that died: the next build deletes it.
ABANDONED_SECONDS = 3600


class BuildRunning(RuntimeError):
    """Another build holds the folder's lock."""


@dataclass(frozen=True)
class Dataset:
    """One bulk dataset: an export (its columns and rows) and the list whose download it is, that is the
    FilterSet that orders the list and the rows it selects from (``queryset()``)."""

    export: object
    filterset_class: type
    queryset: object

    @property
    def slug(self):
        return self.export.slug

    def rows(self):
        """The rows of the list's download without parameters, in the list's order."""
        return bind_filters(HttpRequest(), self.filterset_class, self.queryset()).rows


def languages():
    return [code for code, _name in settings.LANGUAGES]


def expected_files(datasets):
    """(dataset, format, language) of every file a build writes."""
    return [(dataset, fmt, language) for dataset in datasets for language in languages() for fmt in FILE_FORMATS]


def content_state():
    """(version, time of the last change) of the published content, as this process's cache knows them;
    (None, None) when it holds no version (a cache of its own, as without Redis: then its version says
    nothing about another process's changes)."""
    version, changed_at = cache.get(VERSION_KEY), cache.get(CHANGED_KEY)
    return (version, changed_at) if version is not None and changed_at is not None else (None, None)


# Why a build is due (``stale_reason``).
NOT_BUILT = "no file has been built yet"
REDEFINED = "a file is missing, or its columns or the site's address changed"
NOT_SHARED = "this process cannot see other processes' changes (the cache is its own: set REDIS_URL)"
CONTENT_CHANGED = "the published content changed since the last build"


def stale_reason(datasets, root=None):
    """Why the files need building (one of the sentences above), or None when they hold the content as
    it is. Without a cache shared with the site's processes, nothing says whether content changed: due."""
    manifest = read_manifest(root)
    if manifest is None:
        return NOT_BUILT
    listed = {(entry.get("name"), entry.get("fingerprint")) for entry in manifest["files"]}
    for dataset, fmt, language in expected_files(datasets):
        if (public_name(dataset.slug, fmt, language), fingerprint(dataset.export, fmt, language)) not in listed:
            return REDEFINED
    version, changed_at = content_state()
    if version is None or manifest.get("content_version") is None:
        return NOT_SHARED
    if (version, changed_at) != (manifest["content_version"], manifest.get("content_changed_at")):
        return CONTENT_CHANGED
    return None


def build(datasets, root=None, report=None):
    """Write every file of ``datasets`` and then the manifest; returns the manifest. Raises BuildRunning
    when another build holds the folder. ``report(entry)`` is called after each file."""
    root = Path(root or downloads_root())
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root):
        previous = read_manifest(root)
        version, changed_at = content_state()  # before any row is read: a change during the build makes it stale
        started = timezone.now()
        entries = []
        for dataset, fmt, language in expected_files(datasets):
            entries.append(write_file(root, dataset, fmt, language))
            if report:
                report(entries[-1])
        manifest = {
            "format": MANIFEST_FORMAT,
            "built_at": _stamp(started),
            "seconds": round((timezone.now() - started).total_seconds(), 3),
            "content_version": version,
            "content_changed_at": changed_at,
            "files": entries,
        }
        _write_atomically(root / MANIFEST, json.dumps(manifest, indent=2).encode() + b"\n")
        _sync_folder(root)
        _remove_unlisted(root, keep={entry["file"] for entry in entries + (previous or {}).get("files", [])})
    return manifest


def write_file(root, dataset, fmt, language):
    """One file: written whole to a temporary file, then renamed to its stored name. Returns its entry."""
    started = timezone.now()
    clock = time.perf_counter()
    with translation.override(language):
        queryset = dataset.rows()
        with transaction.atomic(using=queryset.db), _GzipWriter(root) as writer:
            if connections[queryset.db].vendor == "postgresql":
                with connections[queryset.db].cursor() as cursor:
                    for name, value in BUILD_SETTINGS.items():
                        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])  # for this transaction
            head, rows = file_rows(dataset.export, queryset, fmt, whole=True)
            counted = _Counted(rows)
            with _InThread(writer) as compressing:
                for block in counted.blocks(head, BLOCK_SIZE):
                    compressing.write(block)
    name = public_name(dataset.slug, fmt, language)
    stored = f"{dataset.slug}.{language}.{writer.sha256[:16]}.{EXTENSIONS[fmt]}.gz"
    os.replace(writer.path, root / stored)
    return {
        "name": name,
        "file": stored,
        "dataset": dataset.slug,
        "format": fmt,
        "language": language,
        "rows": counted.count,
        "bytes": writer.bytes,
        "sha256": writer.sha256,
        "content_bytes": writer.content_bytes,
        "content_sha256": writer.content_sha256,
        "built_at": _stamp(started),
        "seconds": round(time.perf_counter() - clock, 3),
        "fingerprint": fingerprint(dataset.export, fmt, language),
    }


def _stamp(moment):
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds")


class _Counted:
    """The rows of a file, counted as they pass."""

    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def blocks(self, head, size):
        """The head and the rows joined into blocks of bytes of about ``size``, the rows counted: one loop
        over a million rows, no generator between (the rows are text from Python, bytes from COPY)."""
        block, length, count = [head] if head else [], len(head), 0
        try:
            for row in self.rows:
                count += 1
                block.append(row)
                length += len(row)
                if length >= size:
                    yield _encoded(block)
                    block, length = [], 0
        finally:
            self.count = count
        if block:
            yield _encoded(block)


def _encoded(pieces):
    joined = pieces[0][:0].join(pieces)
    return joined.encode() if isinstance(joined, str) else joined


class _InThread:
    """Blocks written to ``writer`` by a second thread, so that compressing and hashing one block overlaps
    reading the next from the database (zlib and hashlib release the GIL). A few blocks wait at most; an
    error in either thread stops both, and reaches the caller."""

    def __init__(self, writer, depth=8):
        self.writer = writer
        self.queue = queue.Queue(maxsize=depth)
        self.error = None
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="bulk-gzip", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def _run(self):
        while (block := self.queue.get()) is not None:
            if self.error is None and not self.stopped:
                try:
                    self.writer.write(block)
                except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
                    self.error = error

    def write(self, block):
        if self.error is not None:
            raise self.error
        self.queue.put(block)

    def __exit__(self, kind, error, trace):
        self.stopped = kind is not None
        self.queue.put(None)
        self.thread.join()
        if kind is None and self.error is not None:
            raise self.error


class _Hashing:
    """A file that hashes and counts what is written to it (the gzip file's bytes)."""

    def __init__(self, handle):
        self.handle = handle
        self.hash = hashlib.sha256()
        self.bytes = 0

    def write(self, data):
        self.hash.update(data)
        self.bytes += len(data)
        return self.handle.write(data)

    def flush(self):
        self.handle.flush()


class _GzipWriter:
    """A temporary gzip file in the folder, with the SHA-256 and size of its content and of itself. On
    leaving the block the file is complete and on disk (flushed and fsynced), or removed on an error."""

    def __init__(self, root):
        self.root = root

    def __enter__(self):
        descriptor, path = tempfile.mkstemp(dir=self.root, prefix=TEMPORARY_PREFIX)
        self.path = Path(path)
        self.handle = os.fdopen(descriptor, "wb")
        self.hashing = _Hashing(self.handle)
        self.content = hashlib.sha256()
        self.content_bytes = 0
        # No file name and no time stamp in the header: the same rows give the same bytes, on any server.
        self.gzip = gzip.GzipFile(filename="", mode="wb", fileobj=self.hashing, compresslevel=COMPRESS_LEVEL, mtime=0)
        return self

    def write(self, data):
        self.content.update(data)
        self.content_bytes += len(data)
        self.gzip.write(data)

    def __exit__(self, kind, error, trace):
        try:
            if kind is None:
                self.gzip.close()
                self.handle.flush()
                os.fsync(self.handle.fileno())
                os.chmod(self.path, 0o644)  # mkstemp's 0600 would hide it from a web server running as another user
        finally:
            self.handle.close()
            if kind is not None:
                self.path.unlink(missing_ok=True)
        self.sha256 = self.hashing.hash.hexdigest()
        self.bytes = self.hashing.bytes
        self.content_sha256 = self.content.hexdigest()


def _write_atomically(path, data):
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sync_folder(root):
    """Make the renames durable: they live in the folder's entry list."""
    descriptor = os.open(root, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_unlisted(root, keep):
    """Delete stored files that neither this manifest nor the one before it names, and temporary files
    that a build which died left behind."""
    now = time.time()
    for path in root.iterdir():
        unlisted = STORED_NAME.fullmatch(path.name) and path.name not in keep
        abandoned = path.name.startswith(TEMPORARY_PREFIX) and now - path.stat().st_mtime > ABANDONED_SECONDS
        if unlisted or abandoned:
            path.unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(root):
    with open(root / LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildRunning(f"Another build is running in {root}.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
