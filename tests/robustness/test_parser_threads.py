"""Queries checked by several threads at once, as ``cph-kg serve`` checks its requests.

rdflib's SPARQL grammar (pyparsing) is not thread-safe: parsed by several threads at its first
use, it wraps its parse actions wrongly for good, and every later check in the process failed
(``IndexError``), so the first burst of requests to a fresh server broke it until restarted.
The check runs in a fresh interpreter, where the grammar has not been used yet.
"""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT

PROGRAM = """
import threading
from cph_kg import catalog
from cph_kg.sparql_guard import check_query

names = ["conventions-by-departement", "findings-by-provision", "obligations", "article-versions"]
texts = [catalog.resolve(name).bind({}) for name in names] * 3
failures = []

def check(text):
    try:
        check_query(text)
    except BaseException as error:
        failures.append(repr(error))

threads = [threading.Thread(target=check, args=(text,)) for text in texts]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
check(texts[0])  # and the parser still works afterwards
print(len(failures), failures[:1])
"""


def test_concurrent_checks_at_first_use_all_pass() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0 []"
