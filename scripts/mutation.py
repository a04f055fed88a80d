"""Mutation testing of the security- and state-critical modules, with mutmut, time-bounded.

    .venv/bin/pip install -e '.[test,dev]'
    .venv/bin/python scripts/mutation.py                    # every module below
    .venv/bin/python scripts/mutation.py oauth journal      # some of them
    .venv/bin/python scripts/mutation.py --time-limit 600 --max-children 2 scrub

Each module runs in a scratch copy of the working tree (so no ``mutants/`` directory appears
in the checkout), with a ``[tool.mutmut]`` section naming only that module to mutate and only
its test files to run. mutmut first runs those tests once to learn which test calls which
function, then runs each mutant against the tests that reach its function only: so a module's
run takes minutes, not the suite's time per mutant. A module that is still running at
``--time-limit`` seconds is stopped and reported with what was checked by then.

The score (killed, timed out, over all mutants checked) and every surviving mutant (its diff)
go to ``docs/mutation-report.md`` (``--report FILE`` to write elsewhere); the previous report's
sections of modules not run this time are kept. Exit status 0 whatever the score: the report
is for reading, a survivor is a question for the next test; with ``--min-score P`` it is 1
when a module run scores below P% (or checks nothing), which is how ``.ci/run`` uses it on
the ``--quick`` modules (those that take a few minutes; the rest is for weekly runs).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "mutation-report.md"
#: The equivalent mutants, each with its argument (read at each run, so it can be edited).
EQUIVALENT_FILE = Path(__file__).with_name("mutation_equivalent.py")
T = "tests/interactor_mock/"
#: The report's hand-written section, kept from run to run.
NOTES = "Equivalent mutants"


@dataclass(frozen=True)
class Target:
    """A module (or package) to mutate and the test files that check it."""

    paths: tuple[str, ...]
    tests: tuple[str, ...]
    #: Tests left out: those that run the code in a subprocess (a mutant is not there, and
    #: under load they time out, which stops mutmut's first run).
    deselect: tuple[str, ...] = ()
    #: Process-wide caches (``module:attribute``) emptied before every test, so that mutmut
    #: sees every test that reaches a cached function (see ``scripts/mutation_fresh.py``).
    fresh: tuple[str, ...] = ()


#: The store tests, every store module's (tests/store: the conformance suite and the rest).
STORE_TESTS = (
    "conformance",
    "edges",
    "sqlite_edges",
    "redis_edges",
    "batches",
    "codec",
    "formats",
    "domain_on_json",
)

#: The security- and state-critical modules, each with the tests that exercise it.
TARGETS: dict[str, Target] = {
    "environments": Target(
        ("interactor_mock/core/environments.py",),
        (f"{T}test_keys.py", f"{T}test_control.py", f"{T}test_oauth.py"),
    ),
    "oauth": Target(
        ("interactor_mock/core/oauth.py",),
        tuple(
            f"{T}test_{name}.py"
            for name in ("oauth", "oauth_flow", "execute", "security", "bounded_resources")
        ),
    ),
    "journal": Target(
        ("interactor_mock/core/journal.py",),
        (f"{T}test_journal.py", f"{T}test_control.py", f"{T}test_handle.py"),
    ),
    "scrub": Target(
        ("interactor_mock/tooling/scrub.py",),
        (f"{T}test_scrub.py", f"{T}test_scrub_table.py", f"{T}test_recorder.py"),
        (f"{T}test_recorder.py::test_record_command_proxies_records_and_stops_on_ctrl_c",),
        fresh=("interactor_mock.tooling.scrub:_default_rules",),
    ),
    "execute": Target(
        ("interactor_mock/core/execute.py",),
        (
            *(
                f"{T}test_{name}.py"
                for name in (
                    "execute",
                    "execute_paths",
                    "api",
                    "input_policy",
                    "scenarios",
                    "behaviours_gmail",
                    "behaviours_calendar",
                    "drive",
                    "slack",
                )
            ),
            "tests/search/test_gmail.py",
        ),
    ),
    "resources": Target(
        ("interactor_mock/core/resources/*",),
        tuple(
            f"{T}test_{name}.py"
            for name in (
                "resources",
                "resource_declarations",
                "seed",
                "drive",
                "slack",
                "behaviours_gmail",
                "behaviours_calendar",
                "bounded_resources",
                "search_connectors",
                "api",
            )
        ),
        fresh=("interactor_mock.core.resources.catalog:_CATALOGS",),
    ),
    **{
        f"store-{name}": Target(
            (f"interactor_mock/store/{name}.py",),
            tuple(f"tests/store/test_{test}.py" for test in STORE_TESTS),
        )
        for name in ("memory", "codec", "sqlite", "redis")
    },
}

#: The modules .ci/run checks on every run (a few minutes in all on 2 cores); the others
#: (resources, scrub and the SQLite and Redis stores: 36 to 49 minutes) run weekly.
QUICK = ("environments", "oauth", "journal", "execute", "store-memory", "store-codec")

MUTMUT_SECTION = """
[tool.mutmut]
source_paths = ["interactor_mock"]
only_mutate = {only}
also_copy = ["contracts", "pytest_interactor", "bench", "scripts", "docs"]
pytest_add_cli_args_test_selection = {tests}
pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:xdist", "-p", "scripts.mutation_fresh",
  "-q"{deselect}]
"""


@dataclass
class Result:
    name: str
    statuses: dict[str, str] = field(default_factory=dict)
    diffs: dict[str, str] = field(default_factory=dict)
    #: Survivors that behave as the original, each with the argument (mutation_equivalent.py).
    equivalent: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    stopped: bool = False

    def count(self, *statuses: str) -> int:
        return sum(
            1 for m, s in self.statuses.items() if s in statuses and m not in self.equivalent
        )

    @property
    def checked(self) -> int:
        return len(self.statuses) - self.count("not checked", "skipped")

    @property
    def score(self) -> float:
        """Killed over checked, the equivalent mutants left out (they cannot be killed)."""
        killed = self.count("killed", "timeout")
        judged = self.checked - len(self.equivalent)
        return 100.0 * killed / judged if judged else 0.0

    @property
    def raw_score(self) -> float:
        """Killed over every mutant checked, equivalent ones included."""
        killed = self.count("killed", "timeout")
        return 100.0 * killed / self.checked if self.checked else 0.0

    def section(self) -> str:
        counts = [
            f"{self.count(s)} {s}"
            for s in ("killed", "timeout", "survived", "no tests", "suspicious", "not checked")
            if self.count(s)
        ]
        if self.equivalent:
            counts.append(f"{len(self.equivalent)} equivalent")
        target = TARGETS[self.name]
        lines = [
            f"## {self.name}",
            "",
            f"- mutated: {', '.join(f'`{p}`' for p in target.paths)}",
            f"- tests: {', '.join(f'`{t.removeprefix(T)}`' for t in target.tests)}",
            f"- **score {self.score:.1f}%** ({', '.join(counts)}; {self.checked} checked) in "
            f"{self.seconds:.0f} s" + (" (stopped at the time limit)" if self.stopped else ""),
            f"- with the equivalent mutants counted as survivors: {self.raw_score:.1f}%",
            "",
        ]
        survivors = [
            m
            for m, s in sorted(self.statuses.items())
            if s in ("survived", "no tests") and m not in self.equivalent
        ]
        if survivors:
            lines += [f"<details><summary>{len(survivors)} surviving mutants</summary>", ""]
            for mutant in survivors:
                lines += [f"`{mutant}` ({self.statuses[mutant]})", "", "```diff"]
                lines += [self.diffs.get(mutant, "(no diff)").rstrip(), "```", ""]
            lines += ["</details>", ""]
        if self.equivalent:
            lines += [
                f"<details><summary>{len(self.equivalent)} equivalent mutants, each with why"
                "</summary>",
                "",
            ]
            for mutant, why in sorted(self.equivalent.items()):
                added = " / ".join(
                    line[1:].strip()
                    for line in self.diffs.get(mutant, "").splitlines()
                    if line.startswith("+")
                )
                lines.append(f"- `{mutant.rsplit('.', 1)[-1]}` `{added}`: {why}")
            lines += ["", "</details>", ""]
        return "\n".join(lines)


def _scratch_copy(destination: Path) -> None:
    """The tracked and new files of the working tree (not .venv, .git or ignored files)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for raw in listed:
        if not raw:
            continue
        source = ROOT / raw.decode()
        if source.is_file():
            target = destination / raw.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _mutmut(work: Path, *args: str, timeout: float | None = None) -> str:
    mutmut = Path(sys.executable).with_name("mutmut")
    done = subprocess.run(
        [str(mutmut), *args], cwd=work, capture_output=True, text=True, timeout=timeout
    )
    return done.stdout


def run_target(name: str, *, time_limit: float, max_children: int) -> Result:
    target = TARGETS[name]
    result = Result(name)
    with tempfile.TemporaryDirectory(prefix=f"mutation-{name}-") as scratch:
        work = Path(scratch)
        _scratch_copy(work)
        section = MUTMUT_SECTION.format(
            only=_toml_list(target.paths),
            tests=_toml_list(target.tests),
            deselect="".join(f', "--deselect", "{test}"' for test in target.deselect),
        )
        with open(work / "pyproject.toml", "a", encoding="utf-8") as pyproject:
            pyproject.write(section)
        mutmut = Path(sys.executable).with_name("mutmut")
        started = time.monotonic()
        log = open(work / "mutmut-run.log", "wb")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            [str(mutmut), "run", "--max-children", str(max_children)],
            cwd=work,
            env={**os.environ, "MUTATION_FRESH_CACHES": ",".join(target.fresh)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped whole, by its id
        )
        try:
            process.wait(timeout=time_limit)
        except subprocess.TimeoutExpired:
            result.stopped = True
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        result.seconds = time.monotonic() - started
        log.close()
        tail = (work / "mutmut-run.log").read_bytes()[-3000:].decode("utf-8", "replace")
        for line in _mutmut(work, "results", "--all", "true").splitlines():
            found = re.fullmatch(r"\s*(\S+): (.+)", line)
            if found and in_target(target, found[1]):
                result.statuses[found[1]] = found[2].strip()
        if not result.checked:
            print(f"   mutmut checked nothing; the end of its output:\n{tail}", file=sys.stderr)
        equivalents = _load_equivalents()  # once a run: the file may be edited between runs
        for mutant, status in result.statuses.items():
            if status in ("survived", "no tests"):
                shown = _mutmut(work, "show", mutant, timeout=60)
                result.diffs[mutant] = "\n".join(
                    line
                    for line in shown.splitlines()
                    if line[:1] in "+-" and line[:3] not in ("+++", "---")
                )
                why = equivalent_because(name, mutant, result.diffs[mutant], equivalents)
                if why is not None and status == "survived":
                    result.equivalent[mutant] = why
    return result


def in_target(target: Target, mutant: str) -> bool:
    """Whether a mutant (``a.b.x_name__mutmut_3``) is of the target's modules: mutmut 3.8 may
    also list mutants of modules outside ``only_mutate`` (resources' showed in execute's
    run), which are not this target's."""
    modules = tuple(  # "a/b.py" holds mutants "a.b.<name>", "a/*" those "a.<module>.<name>"
        path.removesuffix(".py").removesuffix("*").replace("/", ".").rstrip(".") + "."
        for path in target.paths
    )
    return mutant.startswith(modules)


def _load_equivalents() -> Any:
    """``scripts/mutation_equivalent.py``, read afresh."""
    spec = importlib.util.spec_from_file_location("mutation_equivalent", EQUIVALENT_FILE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def equivalent_because(target: str, mutant: str, diff: str, equivalents: Any) -> str | None:
    """Why a surviving mutant is equivalent, by ``equivalents`` (the loaded
    ``scripts/mutation_equivalent.py``), or None (a survivor: a missing test)."""
    function = mutant.rsplit("__mutmut_", 1)[0].rsplit(".", 1)[-1]
    found: str | None = equivalents.why_equivalent(target, function, diff)
    return found


def _toml_list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def _previous_sections(report: Path) -> dict[str, str]:
    if not report.exists():
        return {}
    text = report.read_text(encoding="utf-8")
    parts = re.split(r"(?m)^## ", text)
    return {part.split("\n", 1)[0].strip(): "## " + part.rstrip() + "\n" for part in parts[1:]}


def write_report(report: Path, results: list[Result]) -> None:
    sections = _previous_sections(report)
    scores = {r.name: r for r in results}
    for result in results:
        sections[result.name] = result.section()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Mutation report",
        "",
        'Written by `scripts/mutation.py` (mutmut; see CONTRIBUTING, "Mutation testing"). '
        + (
            f"Modules run at {stamp}: {', '.join(scores)}; other sections are from earlier runs."
            if scores
            else f"Each section is from its module's latest run (report assembled {stamp})."
        ),
        "",
        "The score leaves out the equivalent mutants (listed, each with its argument, in "
        "`scripts/mutation_equivalent.py` and under each module); a survivor not listed "
        "there is a missing test.",
        "",
        "| module | score | killed | survived | equivalent | checked | seconds |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in TARGETS:
        if name in scores:
            r = scores[name]
            lines.append(
                f"| {name} | {r.score:.1f}% | {r.count('killed', 'timeout')} | "
                f"{r.count('survived', 'no tests')} | {len(r.equivalent)} | {r.checked} | "
                f"{r.seconds:.0f} |"
            )
        elif name in sections:  # from an earlier run: its figures as that run wrote them
            found = re.search(
                r"\*\*score ([\d.]+)%\*\* \((.*); (\d+) checked\) in (\d+) s", sections[name]
            )
            if found:
                counts = {
                    status: int(number)
                    for number, status in re.findall(r"(\d+) ([a-z ]+?)(?:,|$)", found[2])
                }
                killed = counts.get("killed", 0) + counts.get("timeout", 0)
                survived = counts.get("survived", 0) + counts.get("no tests", 0)
                lines.append(
                    f"| {name} | {found[1]}% | {killed} | {survived} | "
                    f"{counts.get('equivalent', 0)} | {found[3]} | {found[4]} |"
                )
    lines.append("")
    for name in TARGETS:
        if name in sections:
            lines.append(sections[name])
    if NOTES in sections:  # written by hand: which survivors are equivalent, and why
        lines.append(sections[NOTES])
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("modules", nargs="*", help=f"some of: {', '.join(TARGETS)}")
    parser.add_argument("--time-limit", type=float, default=2400.0, help="seconds per module")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument(
        "--quick", action="store_true", help=f"the modules of a few minutes: {', '.join(QUICK)}"
    )
    parser.add_argument(
        "--min-score",
        type=float,
        help="exit 1 if a module scores below this percentage (or checks nothing)",
    )
    args = parser.parse_args(argv)
    names = [*args.modules, *(QUICK if args.quick else ())] or list(TARGETS)
    unknown = sorted(set(names) - set(TARGETS))
    if unknown:
        parser.error(f"unknown module {unknown[0]!r}: choose among {', '.join(TARGETS)}")
    results = []
    for name in names:
        print(f"== {name}", flush=True)
        result = run_target(name, time_limit=args.time_limit, max_children=args.max_children)
        print(
            f"   {result.score:.1f}% ({result.count('killed', 'timeout')} killed of "
            f"{result.checked} checked) in {result.seconds:.0f} s"
            + (" (stopped at the time limit)" if result.stopped else ""),
            flush=True,
        )
        results.append(result)
        write_report(args.report, results)
    print(f"report: {args.report}")
    if args.min_score is None:
        return 0
    low = [r for r in results if not r.checked or r.score < args.min_score]
    for result in low:
        print(
            f"{result.name}: {result.score:.1f}% is below {args.min_score:g}% "
            f"(the survivors are in {args.report})",
            file=sys.stderr,
        )
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
