"""The extraction worker's replies, with the links and dates the crawl already has sent
as numbers (issue 16, session 12).

A site's pages share most of their links (navigation, footer, the center's cards: 96%
of a generated site's ~60 links a page were on an earlier page) and many of their
dates. Pickled whole, each is four strings to write and read and, in the crawl, a
frozen dataclass to build: most of a reply's pickling in the worker and unpickling in
the crawl. So the worker numbers each distinct Link and DateCandidate in the order it
first sends it (`Sent`), and sends one it sent before as its number; the crawl keeps
the objects in the same order (`Received`) and hands out the one it has (they are
frozen: pages share them safely). Both sides follow one pipe's replies in order, so
the numbers agree; a new worker starts both afresh (a new WorkerProcess). Past LIMIT
objects the worker starts over and says so in the reply (RESET), bounding the memory.

Only the worker's replies to its crawl are written this way (ReplyPickler); any other
pickle of a PageExtract (the distributed crawl's queue) is its own, whole (model.py).
"""

from __future__ import annotations

import io
import pickle
from operator import attrgetter

from condition_archive.extract.model import DateCandidate, Link, PageExtract

LIMIT = 1 << 14  # objects numbered per kind before both sides start over (a few MB)
RESET = -1  # first in a reply's numbers: forget the objects numbered so far

_FIELDS = {Link: ("href", "text", "region", "section"), DateCandidate: ("field", "value", "source", "raw")}


class Sent:
    """The worker's side: the fields of each object it has sent, to its number."""

    def __init__(self, cls: type):
        self.fields = attrgetter(*_FIELDS[cls])
        self.numbers: dict[tuple, int] = {}

    def refs(self, objects: tuple) -> tuple:
        """Each object as its number if sent before, else as its fields (numbered now)."""
        numbers = self.numbers
        out: list = []
        if len(numbers) + len(objects) > LIMIT:
            numbers.clear()
            out.append(RESET)
        for key in map(self.fields, objects):
            number = numbers.get(key)
            if number is None:
                numbers[key] = len(numbers)
                out.append(key)
            else:
                out.append(number)
        return tuple(out)


class Received:
    """The crawl's side: the objects a worker sent, by number."""

    def __init__(self, cls: type):
        self.cls, self.names = cls, _FIELDS[cls]
        self.objects: list = []

    def build(self, refs: tuple) -> tuple:
        objects = self.objects
        if refs and refs[0] == RESET:
            objects.clear()
            refs = refs[1:]
        try:  # the usual reply: only numbers, looked up in C
            return tuple(map(objects.__getitem__, refs))
        except TypeError:  # some sent whole (their fields): numbered in order
            pass
        out = []
        new, cls, names = object.__new__, self.cls, self.names
        for ref in refs:
            if type(ref) is not int:
                obj = new(cls)  # as pickle builds a dataclass: no frozen __init__
                obj.__dict__.update(zip(names, ref))
                objects.append(obj)
                ref = len(objects) - 1
            out.append(objects[ref])
        return tuple(out)


class ReplyPickler:
    """The worker's pickler for its replies: a PageExtract's links and dates as refs."""

    def __init__(self):
        self.links, self.dates = Sent(Link), Sent(DateCandidate)
        self.file = io.BytesIO()
        self.pickler = pickle.Pickler(self.file, pickle.HIGHEST_PROTOCOL)
        self.pickler.dispatch_table = {PageExtract: self._reduce}  # consulted for other classes only

    def _reduce(self, extract: PageExtract):
        state = dict(extract.__dict__)
        return _extract, (state, self.links.refs(state.pop("links")), self.dates.refs(state.pop("date_candidates")))

    def dumps(self, message: tuple) -> bytes:
        file = self.file
        file.seek(0)
        file.truncate()
        self.pickler.clear_memo()
        self.pickler.dump(message)
        return file.getvalue()


class ReplyReader:
    """The crawl's side of one worker's replies: `loads` builds their PageExtracts
    with the objects numbered so far."""

    def __init__(self):
        self.links, self.dates = Received(Link), Received(DateCandidate)

    def loads(self, data) -> tuple:
        global _reading
        _reading = self
        try:
            return pickle.loads(data)
        finally:
            _reading = None


# The reader of the reply being unpickled: pickle calls _extract with the arguments
# only, and the crawl's event loop reads one pipe at a time.
_reading: ReplyReader | None = None


def _extract(state: dict, links: tuple, dates: tuple) -> PageExtract:
    if _reading is None:
        raise pickle.UnpicklingError("a worker's reply is read with its ReplyReader (crawl/replies.py)")
    extract = object.__new__(PageExtract)
    extract.__dict__.update(state, links=_reading.links.build(links), date_candidates=_reading.dates.build(dates))
    return extract
