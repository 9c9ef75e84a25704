"""`make test` runs every test once: what tests/timeshift.py runs with the clock moved is left
out of the first pytest run, and nothing else is; and the moved clock runs once per instant."""

import importlib.util
import re
from datetime import timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timeshift_selection() -> list[str]:
    spec = importlib.util.spec_from_file_location("timeshift", ROOT / "tests" / "timeshift.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SELECTION


def test_the_shifted_tests_are_the_ones_the_first_run_leaves_out():
    makefile = (ROOT / "Makefile").read_text()
    shifted = re.search(r"^SHIFTED := (.+)$", makefile, re.MULTILINE)[1].split()
    assert shifted == timeshift_selection()
    recipe = makefile[makefile.index("\ntest: install"):].split("\n\n")[0]
    assert "-m pytest $(addprefix --ignore=,$(SHIFTED))" in recipe
    assert "tests/timeshift.py $(SHIFTED)" in recipe
    assert all((ROOT / path).exists() for path in shifted)


def test_a_moved_clock_runs_once_at_each_instant_even_named_in_two_zones():
    spec = importlib.util.spec_from_file_location("timeshift", ROOT / "tests" / "timeshift.py")
    timeshift = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(timeshift)
    new_year_in_utc = timeshift.NEW_YEAR.astimezone(timezone.utc)
    assert timeshift.distinct([new_year_in_utc, timeshift.NEW_YEAR, timeshift.SUMMER_TIME]) == [
        new_year_in_utc, timeshift.SUMMER_TIME]
