"""The refresh against fastexcel's bare read in instructions executed, which a busy machine does not change.

Run: python3 benchmarks/bench_instructions.py [ROWS]   (default: 100000; 1048572 takes about 15 minutes)

CPU seconds on a shared machine move from one process to the next by more than the refresh's
margin on its anchor (fastexcel's read of the same 1,048,572 rows took 4.4 to 7.9 s within one
run of ``bench_refresh.py``). Valgrind's callgrind counts the instructions a process executes
(about 100 times slower than running it): the same count for the same programs and inputs, whatever
else the machine does. Each kind of ``bench_refresh.py --measure`` runs once under callgrind, on the
same cached workbook as ``bench_refresh.py``:

  * none:      the measuring script's own start (Python, numpy, pandas), subtracted from the others;
  * fastexcel: fastexcel reading the orders sheet to Arrow columns (the anchor);
  * refresh:   ``refresh_file`` on a copy of the book (read, check, compute, write, save).

Prints each count (minus the start) and the refresh's count over the anchor's. Instructions are not
seconds: an instruction of calamine's XML parser and one of numpy's sorts need not take the same time,
so this ratio is a check on the CPU-time ratio, not a replacement for it. Needs ``valgrind``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_refresh import cached_book, machine  # noqa: E402
from checkout_bytecode import compile_checkout  # noqa: E402

KINDS = ("none", "fastexcel", "refresh")


def instructions(kind: str, book: Path) -> int:
    """Instructions executed by one ``bench_refresh.py --measure KIND`` process under callgrind."""
    target = book
    if kind == "refresh":  # the refresh writes into its book: a copy, as bench_refresh does
        target = book.with_name("counted_" + book.name)
        shutil.copyfile(book, target)
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={Path(folder) / 'out'}",
             os.path.realpath(sys.executable), str(HERE / "bench_refresh.py"), "--measure", kind, str(target)],
            capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"Collected : (\d+)", done.stderr)
    if not found:
        raise RuntimeError(f"callgrind gave no count for {kind}:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(rows: int) -> None:
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install -y valgrind)")
    compile_checkout()
    book = cached_book(rows)
    print(f"machine: {machine()}")
    counts = {kind: instructions(kind, book) for kind in KINDS}
    start = counts["none"]
    print(f"{rows:>10,} start (Python, numpy, pandas) {start / 1e9:8.2f} G instructions")
    for kind in KINDS[1:]:
        print(f"{rows:>10,} {kind:>9} {(counts[kind] - start) / 1e9:8.2f} G instructions (start subtracted)")
    print(f"{rows:>10,} refresh / fastexcel read: {(counts['refresh'] - start) / (counts['fastexcel'] - start):.2f}"
          " (instructions)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
