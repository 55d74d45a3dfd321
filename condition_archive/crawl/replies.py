"""The extraction worker's replies, with the links and dates the crawl already has sent
as numbers (issue 16, sessions 12 and 14).

A site's pages share most of their links (navigation, footer, the center's cards: 96%
of a generated site's ~60 links a page were on an earlier page) and many of their
dates. Pickled whole, each is four strings to write and read and, in the crawl, a
frozen dataclass to build: most of a reply's pickling in the worker and unpickling in
the crawl. So the worker numbers each distinct Link and DateCandidate in the order it
first sends it (`Sent`), and sends one it sent before as its number; the crawl keeps
the objects in the same order (`Received`) and hands out the one it has (they are
frozen: pages share them safely). Both sides follow one pipe's replies in order, so
the numbers agree; a new worker starts both afresh (a new WorkerProcess). Past LIMIT
objects the worker starts over, bounding the memory.

Each kind goes as (start, new, numbers): the fields of the objects this reply numbers
(from `start` on; 0 again after starting over) and every object's number in page
order. Nearly every page has a new link or two (98% of a generated site's), so both
sides look the numbers up in C (map over a dict or list) and only the new objects cost
Python code; the worker finds a Link by identity first (the extraction makes one object
for equal Links, extract/links.py), which spares it building and hashing a key.

A reply with a PageExtract goes as plain tuples (EXTRACT): its fields' values in
PageExtract's order, with those (start, new, numbers) for its links and dates;
ReplyReader makes it the ("ok", seq, result) the worker had. No field names, no classes
to find, no pickle memo to fill and read (session 14: the worker's replies had cost it
~0.12 ms a page of CPU in a crawl; see docs/benchmarks.md).

Only the worker's replies to its crawl are written this way (ReplyPickler); any other
pickle of a PageExtract (the distributed crawl's queue) is its own, whole (model.py).
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from operator import attrgetter

from condition_archive.extract.model import DateCandidate, Link, PageExtract

LIMIT = 1 << 14  # objects numbered per kind before both sides start over (a few MB)
EXTRACT = "ok:extract"  # a reply ("ok", seq, (problem, PageExtract, packed)) as plain tuples

_FIELDS = {Link: ("href", "text", "region", "section"), DateCandidate: ("field", "value", "source", "raw")}
NAMES = tuple(f.name for f in dataclasses.fields(PageExtract))  # the order of a PageExtract's __dict__
LINKS, DATES = NAMES.index("links"), NAMES.index("date_candidates")


class _Numbers(dict):
    """An object's fields to its number; a missing one is numbered on lookup, and kept in `new`."""

    def __init__(self):
        super().__init__()
        self.new: list[tuple] = []

    def __missing__(self, fields: tuple) -> int:
        self.new.append(fields)
        number = self[fields] = len(self)
        return number


class Sent:
    """The worker's side: the fields of each object it has sent, to its number. With
    `shared` (the extraction makes one object for equal Links: extract/links.py), an
    object sent before is first looked up by identity: no key tuple to build and hash."""

    def __init__(self, cls: type, shared: bool = False):
        self.fields = attrgetter(*_FIELDS[cls])
        self.numbers = _Numbers()
        self.shared = shared
        self.seen: dict[int, int] = {}  # id -> number of the objects in `kept` (alive: ids their own)
        self.kept: list = []

    def refs(self, objects: tuple) -> tuple[int, tuple, tuple]:
        """(start, the fields of the objects numbered now, each object's number)."""
        numbers = self.numbers
        if len(numbers) + len(objects) > LIMIT:
            numbers.clear()
            self.seen.clear()
            self.kept.clear()
        start = len(numbers)
        if self.shared:
            refs = list(map(self.seen.get, map(id, objects)))
            if None in refs:
                self._not_seen(objects, refs)
            refs = tuple(refs)
        else:
            refs = tuple(map(numbers.__getitem__, map(self.fields, objects)))  # numbers the new ones
        new, numbers.new = numbers.new, []
        return start, tuple(new), refs

    def _not_seen(self, objects: tuple, refs: list) -> None:
        """The numbers of the objects not seen (by identity) before, by their fields."""
        seen, kept, numbers, fields = self.seen, self.kept, self.numbers, self.fields
        if len(kept) + len(objects) > LIMIT:  # objects not shared after all: bound the memory
            seen.clear()
            kept.clear()
        at = refs.index(None)
        while True:
            obj = objects[at]
            refs[at] = seen[id(obj)] = numbers[fields(obj)]
            kept.append(obj)
            try:
                at = refs.index(None, at + 1)
            except ValueError:
                return


class Received:
    """The crawl's side: the objects a worker sent, by number."""

    def __init__(self, cls: type):
        self.cls, self.names = cls, _FIELDS[cls]
        self.objects: list = []

    def build(self, refs: tuple[int, tuple, tuple]) -> tuple:
        start, new, numbers = refs
        objects = self.objects
        if start != len(objects):
            if start:
                raise pickle.UnpicklingError(f"a reply numbers its {self.cls.__name__}s from {start}, "
                                             f"the crawl has {len(objects)}: replies read out of order?")
            objects.clear()  # the worker started over
        make, cls, names = object.__new__, self.cls, self.names
        for fields in new:
            obj = make(cls)  # as pickle builds a dataclass: no frozen __init__
            obj.__dict__.update(zip(names, fields))
            objects.append(obj)
        return tuple(map(objects.__getitem__, numbers))


class ReplyPickler:
    """The worker's pickler for its replies: a PageExtract's links and dates as refs."""

    def __init__(self):
        self.links, self.dates = Sent(Link, shared=True), Sent(DateCandidate)
        self.file = io.BytesIO()
        self.pickler = pickle.Pickler(self.file, pickle.HIGHEST_PROTOCOL)
        self.pickler.fast = True  # no memo to fill and clear: a reply is a tree of tuples and strings

    def plain(self, message: tuple) -> tuple:
        """("ok", seq, (problem, PageExtract, packed)) as EXTRACT; any other message as it is."""
        result = message[2] if message[0] == "ok" else None
        if type(result) is not tuple or len(result) != 3 or type(result[1]) is not PageExtract:
            return message
        state = result[1].__dict__
        if tuple(state) != NAMES:  # not built by PageExtract's __init__: pickled whole (model.py)
            return message
        values = [*state.values()]
        values[LINKS] = self.links.refs(values[LINKS])
        values[DATES] = self.dates.refs(values[DATES])
        return EXTRACT, message[1], result[0], result[2], values

    def dumps(self, message: tuple) -> bytes:
        file = self.file
        file.seek(0)
        file.truncate()
        message = self.plain(message)
        try:
            self.pickler.dump(message)
        except ValueError:  # a cycle (the fast pickler has no memo): a pickler with one
            return pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        return file.getvalue()


class ReplyReader:
    """The crawl's side of one worker's replies: `loads` builds their PageExtracts
    with the objects numbered so far."""

    def __init__(self):
        self.links, self.dates = Received(Link), Received(DateCandidate)

    def loads(self, data) -> tuple:
        message = pickle.loads(data)
        if message[0] != EXTRACT:
            return message
        _, seq, problem, packed, values = message
        values[LINKS] = self.links.build(values[LINKS])
        values[DATES] = self.dates.build(values[DATES])
        extract = object.__new__(PageExtract)  # as pickle builds a dataclass: no frozen __init__
        extract.__dict__.update(zip(NAMES, values))
        return "ok", seq, (problem, extract, packed)
