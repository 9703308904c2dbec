"""Today's cache format against a store in the standard library's sqlite3, on the questions
bcc asks of its store (issue 22: "keep today's format only if a measurement shows SQLite
missing a goal").

    python bench/store_compare.py DATA_DIR [--runs 7]

Loads DATA_DIR's catalogue once (writing today's cache entry if needed), writes the same
records, filter postings and default-table rows into a SQLite file of the shape a store
would have (one row per record with its checksum, one per posting list, one per table row;
``WITHOUT ROWID`` tables keyed by collection and number), then times each question in a
fresh process, the two stores alternately, and prints the medians (in-process times: the
process's own start is the same for both and left out):

* ``open``: import what the store needs (beyond bcc's own modules, imported before the
  clock starts), open the file, verify its header, the counts;
* ``ids``: one collection's ids (an unknown id's did-you-mean);
* ``all``: every practice decoded and verified (``bcc practices --json --fields ...``);
* ``filter``: the numbers of the private-sector practices, then those records decoded;
* ``rows``: every practice's default table row (``bcc practices``);
* ``one``: one record by id (``bcc show``).

The SQLite store here is a measuring prototype, not bcc's code: it verifies a CRC-32
per record, per posting list and per row as the real one would.
"""

from __future__ import annotations

import argparse
import marshal
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SQLITE_SCHEMA = """
CREATE TABLE head (key TEXT PRIMARY KEY, value BLOB, crc INTEGER) WITHOUT ROWID;
CREATE TABLE records (collection TEXT, n INTEGER, id TEXT, data BLOB, crc INTEGER,
                      PRIMARY KEY (collection, n)) WITHOUT ROWID;
CREATE INDEX records_id ON records (id);
CREATE TABLE postings (collection TEXT, field TEXT, value TEXT, numbers BLOB, crc INTEGER,
                       PRIMARY KEY (collection, field, value)) WITHOUT ROWID;
CREATE TABLE rows (collection TEXT, n INTEGER, cells BLOB, crc INTEGER,
                   PRIMARY KEY (collection, n)) WITHOUT ROWID;
"""


def write_sqlite(path: Path, data: Path) -> float:
    """Write the SQLite store for ``data``'s catalogue; seconds taken (the records already loaded)."""
    from array import array

    from bali_corruption_cli import catalog
    from bali_corruption_cli.cli.app import table_display
    from bali_corruption_cli.store import cache_sections

    cat = catalog.load(data, display=table_display)
    collections, fields = cat.collections, cat.fields
    display = table_display()
    started = time.perf_counter()
    con = __import__("sqlite3").connect(path)
    con.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SQLITE_SCHEMA)
    with con:
        counts = {name: len(records) for name, records in collections.items()}
        head = marshal.dumps({"counts": counts, "fields": {k: list(v) for k, v in fields.items()}})
        con.execute("INSERT INTO head VALUES ('head', ?, ?)", (head, zlib.crc32(head)))
        for name, records in collections.items():
            rows = []
            for n, record in enumerate(records):
                blob = marshal.dumps(record)
                rows.append((name, n, record["id"], blob, zlib.crc32(blob)))
            con.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)", rows)
            for field, postings in cache_sections.postings(records, fields[name]).items():
                con.executemany(
                    "INSERT INTO postings VALUES (?, ?, ?, ?, ?)",
                    [
                        (name, field, value, b := array("I", numbers).tobytes(), zlib.crc32(b))
                        for value, numbers in postings.items()
                    ],
                )
            cells = [marshal.dumps(display.row(name, r)) for r in records]
            kept = [(name, n, c, zlib.crc32(c)) for n, c in enumerate(cells)]
            con.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", kept)
    con.close()
    return time.perf_counter() - started


# Each question, for each store: code run in a fresh process, printing its seconds.
_READER = "from bali_corruption_cli.store import cache; r = cache.Reader(P); "
_COUNT = "r.sections['practices']['count']"
TODAY = {
    "open": _READER + _COUNT,
    "ids": _READER + "r.ids('practices')",
    "all": _READER + "r.records('practices')",
    "filter": _READER + "r.records_at('practices', r.select('practices', {'sectors': {'private'}}))",
    "rows": _READER + f"r.rows('practices', range({_COUNT}), table_cells.version())",
    "one": _READER + "n = r.ids('practices').index(ID); r.records_at('practices', [n])",
}
_OPEN = (
    "import sqlite3, marshal, zlib; c = sqlite3.connect(f'file:{P}?mode=ro', uri=True); "
    "c.execute('PRAGMA trusted_schema = OFF'); "
    "v, s = c.execute(\"SELECT value, crc FROM head WHERE key = 'head'\").fetchone(); "
    "assert zlib.crc32(v) == s; h = marshal.loads(v); h['counts']['practices']; "
)
_PRACTICES = "WHERE collection = 'practices'"
_CHECKED = "[marshal.loads(d) for d, s in {rows} if zlib.crc32(d) == s or 1 / 0]"
SQLITE = {
    "open": _OPEN,
    "ids": _OPEN + f'[i for (i,) in c.execute("SELECT id FROM records {_PRACTICES} ORDER BY n")]',
    "all": _OPEN
    + _CHECKED.format(rows=f'c.execute("SELECT data, crc FROM records {_PRACTICES} ORDER BY n")'),
    "filter": _OPEN + f'import array; b, s = c.execute("SELECT numbers, crc FROM postings {_PRACTICES} '
    "AND field = 'sectors' AND value = 'private'\").fetchone(); assert zlib.crc32(b) == s; "
    "ns = list(array.array('I', b)); c.execute('CREATE TEMP TABLE w (n INTEGER PRIMARY KEY)'); "
    "c.executemany('INSERT INTO w VALUES (?)', [(n,) for n in ns]); "
    + _CHECKED.format(
        rows=f'c.execute("SELECT data, crc FROM records JOIN w USING (n) {_PRACTICES} ORDER BY n")'
    ),
    "rows": _OPEN + _CHECKED.format(rows=f'c.execute("SELECT cells, crc FROM rows {_PRACTICES} ORDER BY n")'),
    "one": _OPEN + _CHECKED.format(rows='c.execute("SELECT data, crc FROM records WHERE id = ?", (ID,))'),
}


def timed(code: str, path: Path, record_id: str) -> float:
    script = (  # bcc's own modules are imported before the clock starts: a store's module of
        # its own would be imported as well; what differs is what each store itself imports
        "from bali_corruption_cli.store import cache, cache_sections, textindex; "
        "from bali_corruption_cli.output import table_cells; "
        "import time; _t = time.perf_counter(); "
        f"P = {str(path)!r}; ID = {record_id!r}; {code.rstrip('; ')}; print(time.perf_counter() - _t)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bcc-store-") as tmp:
        os.environ["BCC_CACHE_DIR"] = tmp
        from bali_corruption_cli import catalog
        from bali_corruption_cli.cli.app import table_display

        cat = catalog.load(args.data, display=table_display)
        record_id = cat.records("practices")[-1]["id"]
        (entry,) = Path(tmp).glob("catalog-*")
        started = time.perf_counter()
        with open(os.devnull, "wb") as sink:  # today's writer, to compare with the SQLite one
            from bali_corruption_cli.store import cache

            cache.write(sink, cat.collections, cat.fields, [], table_display())
        today_write = time.perf_counter() - started
        db = Path(tmp) / "store.sqlite"
        sqlite_write = write_sqlite(db, args.data)
        print(
            f"{cat.count('practices'):,} practices; entry {entry.stat().st_size / 1e6:.1f} MB, "
            f"SQLite {db.stat().st_size / 1e6:.1f} MB; medians of {args.runs} fresh processes, ms"
        )
        print("| question | today | SQLite | SQLite - today |")
        print("|---|--:|--:|--:|")
        print(
            f"| write (records loaded) | {today_write * 1000:.0f} | {sqlite_write * 1000:.0f} | "
            f"{(sqlite_write - today_write) * 1000:+.0f} |"
        )
        for question in TODAY:
            ours: list[float] = []
            theirs: list[float] = []
            for _ in range(args.runs):
                ours.append(timed(TODAY[question], entry, record_id))
                theirs.append(timed(SQLITE[question], db, record_id))
            a, b = statistics.median(ours) * 1000, statistics.median(theirs) * 1000
            print(f"| {question} | {a:.1f} | {b:.1f} | {b - a:+.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
