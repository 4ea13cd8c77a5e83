"""PDFs read in worker processes, each within a fixed time and memory.

A PDF is a small program: a compressed stream may inflate to gigabytes (a
decompression bomb), a page may hold millions of drawing operations. Each PDF is
read in a process of its own, whose address space may grow by at most READ_MEMORY_MB
(RLIMIT_AS) and which is killed after READ_SECONDS. Either stops the build with the
document's name; the previous database stays as it was. NORWAY_RETURNS_READ_SECONDS
and NORWAY_RETURNS_READ_MEMORY_MB change the limits.

The workers are forked from the build, so that each starts at once with what the build
has imported and loaded. A process forked while another of its threads holds a lock
inherits the lock held, with no thread to release it; the pool forks a worker for each
document from a thread of its own while the build's main thread goes on. So whatever a
worker needs that is loaded lazily behind a lock is loaded before the first fork
(load_shared): a worker forked while the build was loading pycountry's data waited on its
lock until the time limit (one build in eight, seen here). A fork server would avoid the
class, but measured here it made a fresh build of 120 PDFs 22% slower, and it makes every
program that builds need a `__main__` guard.
"""

import multiprocessing
import os
import re
import resource
import threading
import time
from concurrent.futures import CancelledError

from pebble import ProcessExpired, ProcessPool

from ..errors import BuildError
from .countries import countries

# A monthly publication of a few pages reads in about a second in some tens of MB.
READ_SECONDS = 60
READ_MEMORY_MB = 512
SECONDS_ENV, MEMORY_ENV = "NORWAY_RETURNS_READ_SECONDS", "NORWAY_RETURNS_READ_MEMORY_MB"
# A scan is read by OCR: 3-13 s a document on an idle machine, several times that on a busy
# one. A PDF that looks like a scan (page images, no fonts: looks_scanned) may take this long.
OCR_SECONDS = 300
OCR_SECONDS_ENV = "NORWAY_RETURNS_OCR_SECONDS"
_IMAGE = re.compile(rb"/Subtype\s*/Image")
_FONT = re.compile(rb"/Font\b|/ObjStm\b")  # fonts, or objects packed where they cannot be seen


def looks_scanned(path):
    """Whether a PDF's bytes show page images and no font (as a scanner's PDF): then it is
    given OCR_SECONDS. A PDF that hides its objects in object streams is not presumed a scan."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return bool(_IMAGE.search(data)) and not _FONT.search(data)


def _setting(env, default):
    value = os.environ.get(env, "").strip()
    try:
        return float(value) if value and float(value) > 0 else default
    except ValueError:
        return default


def limits():
    """(seconds, megabytes) one document may take."""
    return _setting(SECONDS_ENV, READ_SECONDS), _setting(MEMORY_ENV, READ_MEMORY_MB)


def _address_space():
    """This process's address space in bytes (0 where /proc does not say)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _start_worker(megabytes):
    """In a new worker: bound its memory, and exit when the build that started it is gone."""
    limit = _address_space() + int(megabytes * 2**20)
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _out_of_memory(exc):
    """Whether a MemoryError is behind `exc` (pdf.py wraps every reader's exception)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, MemoryError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__ or next((a for a in exc.args if isinstance(a, BaseException)), None)
    return False


def _read(function, document, megabytes):
    """In a worker: function(document), a MemoryError said in words."""
    try:
        return function(document)
    except Exception as e:
        if _out_of_memory(e):
            raise BuildError(document.name, None, f"reading it needs more than {megabytes:g} MB of memory, the "
                             "limit for one document: stopped (a compressed stream that inflates to hundreds "
                             "of megabytes?)") from None
        raise


def load_shared():
    """What workers need that loads lazily behind a lock, loaded in the build before the
    first fork: pycountry's data (through the country table)."""
    countries()


class Readers:
    """Worker processes, one per document read, each within limits()."""

    def __init__(self, workers):
        self.seconds, self.megabytes = limits()
        load_shared()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.pool = ProcessPool(max_workers=workers, max_tasks=1, initializer=_start_worker,
                                initargs=(self.megabytes,), context=context)

    def submit(self, function, document, ocr=False):
        """function(document) in a worker; ocr: it reads the document by OCR (OCR_SECONDS)."""
        seconds = self._seconds(document, ocr)
        future = self.pool.schedule(_read, args=(function, document, self.megabytes), timeout=seconds)
        future.limit = seconds
        return future

    def _seconds(self, document, ocr=False):
        if ocr or looks_scanned(document.path):
            return max(self.seconds, _setting(OCR_SECONDS_ENV, OCR_SECONDS))
        return self.seconds

    def result(self, document, future):
        """function(document) as the worker returned it, or BuildError saying why it did not."""
        try:
            return future.result()  # a worker's BuildError is raised here
        except TimeoutError:
            raise BuildError(document.name, None, f"reading it took longer than {getattr(future, 'limit', self.seconds):g} s, the limit "
                             "for one document: stopped (pages that take this long hold more than a monthly "
                             "publication's text and tables)") from None
        except ProcessExpired as e:
            raise BuildError(document.name, None, f"the process reading it died (exit code {e.exitcode}): out "
                             f"of memory? Each document may take {self.megabytes:g} MB") from None
        except CancelledError:
            raise BuildError(document.name, None, "reading it was cancelled") from None

    def close(self, failed=False):
        """Wait for the workers, or stop them at once when the build failed."""
        if failed:
            self.pool.stop()
        else:
            self.pool.close()
        self.pool.join()
