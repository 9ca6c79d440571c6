"""Every adversarial case in :mod:`tests.trust` keeps every promise (see tests/trust/contract.py).

The cases run once per session, four processes at a time; each case is its own test so a
broken promise names the case. ``python -m tests.trust`` runs the same table by hand.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.trust.__main__ import run_one
from tests.trust.cases import all_cases
from tests.trust.contract import Result

CASES = all_cases()


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    with ThreadPoolExecutor(4) as pool:
        return {r.case.name: r for r in pool.map(run_one, CASES)}


@pytest.mark.slow
@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_case_holds(results: dict[str, Result], name: str) -> None:
    r = results[name]
    assert r.held, f"{name}: {'; '.join(r.broken)}\nstderr:\n{r.stderr[-1500:]}"


def test_the_contract_catches_what_it_promises() -> None:
    """The checker itself: a traceback, a control character, the key and a hang are each caught."""
    from pathlib import Path
    import tempfile

    from tests.trust.contract import SECRET, Case, _check

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "ws" / "drafts").mkdir(parents=True)
        case = Case("x", [], exit=(2,))
        assert _check(case, tmp, 2, "", "drafter: bad input\n", False, {}, {}) == []
        assert any("crash" in b for b in _check(case, tmp, 1, "", "Traceback (most recent call last):\n", False, {}, {}))
        assert any("control" in b for b in _check(case, tmp, 2, "\x1b]0;x\x07", "", False, {}, {}))
        assert any("key" in b for b in _check(case, tmp, 2, SECRET, "", False, {}, {}))
        assert any("hang" in b for b in _check(case, tmp, None, "", "", True, {}, {}))
        (tmp / "ws" / "drafts" / "new.json").write_text("{}")
        assert any("drafts/" in b for b in _check(case, tmp, 2, "", "", False, {}, {}))
