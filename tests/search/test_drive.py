"""Drive v3's files.list query language: examples, Drive's 400, and properties against a model."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from interactor_mock.errors import InteractorMockError
from interactor_mock.search import drive
from interactor_mock.search.drive import And
from interactor_mock.search.drive import Compare
from interactor_mock.search.drive import DriveQueryError
from interactor_mock.search.drive import In
from interactor_mock.search.drive import Not
from interactor_mock.search.drive import Or

DRIVE_400 = {
    "error": {
        "code": 400,
        "message": "Invalid Value",
        "errors": [
            {
                "domain": "global",
                "reason": "invalid",
                "message": "Invalid Value",
                "locationType": "parameter",
                "location": "q",
            }
        ],
    }
}

FILES = {
    "f1": {
        "name": "Q3 Plan.docx",
        "mimeType": "application/vnd.google-apps.document",
        "trashed": False,
        "starred": True,
        "parents": ["root"],
        "createdTime": "2026-01-05T09:00:00.000Z",
        "modifiedTime": "2026-11-20T10:00:00.000Z",
        "description": "Planning for the third quarter",
        "owners": [{"emailAddress": "alice@example.com", "displayName": "Alice"}],
    },
    "f2": {
        "name": "HelloWorld",
        "mimeType": "text/plain",
        "trashed": False,
        "parents": ["folder1"],
        "createdTime": "2025-06-01T00:00:00Z",
        "modifiedTime": "2025-06-02T00:00:00+02:00",
        "contentHints": {"indexableText": "greetings to the whole world"},
        "owners": [{"emailAddress": "Bob@Example.com"}],
    },
    "f3": {
        "name": "it's a plan",
        "mimeType": "application/vnd.google-apps.folder",
        "trashed": True,
        "starred": False,
        "parents": ["root", "folder1"],
        "createdTime": "2024-02-29T12:00:00Z",
        "modifiedTime": "2026-11-20T10:00:00Z",
        "owners": [{"emailAddress": "alice@example.com"}],
    },
    "f4": {"name": "back\\slash", "mimeType": "image/png", "sharedWithMe": True},
}


def found(q: str) -> list[str]:
    query = drive.parse(q)
    return [key for key, item in FILES.items() if query.matches(item)]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("", ["f1", "f2", "f3", "f4"]),
        ("   ", ["f1", "f2", "f3", "f4"]),
        ("name = 'HelloWorld'", ["f2"]),
        ("name = 'helloworld'", []),
        ("name != 'HelloWorld'", ["f1", "f3", "f4"]),
        ("name contains 'Hello'", ["f2"]),
        ("name contains 'hello'", ["f2"]),
        ("name contains 'World'", []),
        ("name contains 'Plan'", ["f1", "f3"]),
        ("name contains 'lan'", []),
        ("name contains 'q3 pl'", ["f1"]),
        (r"name = 'it\'s a plan'", ["f3"]),
        (r"name = 'back\\slash'", ["f4"]),
        ("name contains ''", ["f1", "f2", "f3", "f4"]),
        ("fullText contains 'quarter'", ["f1"]),
        ("fullText contains 'QUARTER'", ["f1"]),
        ("fullText contains 'quart'", []),
        ("fullText contains 'world'", ["f2"]),
        ("fullText contains '\"whole world\"'", ["f2"]),
        ("fullText contains '\"world whole\"'", []),
        ("fullText contains 'plan'", ["f1", "f3"]),
        ("mimeType = 'text/plain'", ["f2"]),
        ("mimeType != 'application/vnd.google-apps.folder'", ["f1", "f2", "f4"]),
        ("mimeType contains 'google-apps'", ["f1", "f3"]),
        ("trashed = false", ["f1", "f2", "f4"]),
        ("trashed = true", ["f3"]),
        ("trashed != true", ["f1", "f2", "f4"]),
        ("starred = true", ["f1"]),
        ("starred = false", ["f2", "f3", "f4"]),
        ("sharedWithMe = true", ["f4"]),
        ("'root' in parents", ["f1", "f3"]),
        ("'folder1' in parents", ["f2", "f3"]),
        ("'nowhere' in parents", []),
        ("'alice@example.com' in owners", ["f1", "f3"]),
        ("'bob@example.com' in owners", ["f2"]),
        ("modifiedTime > '2026-01-01T00:00:00'", ["f1", "f3"]),
        ("modifiedTime = '2026-11-20T10:00:00Z'", ["f1", "f3"]),
        ("modifiedTime = '2026-11-20T11:00:00+01:00'", ["f1", "f3"]),
        ("modifiedTime != '2026-11-20T10:00:00Z'", ["f2"]),
        ("modifiedTime < '2025-06-01T23:00:00Z'", ["f2"]),
        ("modifiedTime <= '2025-06-01T22:00:00Z'", ["f2"]),
        ("modifiedTime < '2025-06-01T22:00:00Z'", []),
        ("createdTime >= '2025-06-01'", ["f1", "f2"]),
        ("createdTime < '2024-03-01T00:00:00.5-08:00'", ["f3"]),
        ("name contains 'Plan' and trashed = false", ["f1"]),
        ("name contains 'Plan' AND trashed=false", ["f1"]),
        ("trashed = true or starred = true", ["f1", "f3"]),
        ("not trashed = true", ["f1", "f2", "f4"]),
        ("NOT 'root' in parents", ["f2", "f4"]),
        ("starred = true or trashed = true and 'folder1' in parents", ["f1", "f3"]),
        ("(starred = true or trashed = true) and 'folder1' in parents", ["f3"]),
        ("not (starred = true or trashed = true)", ["f2", "f4"]),
        ("not not starred = true", ["f1"]),
        ("((name = 'HelloWorld'))", ["f2"]),
    ],
)
def test_each_term_finds_the_files_drive_would(q: str, expected: list[str]) -> None:
    assert found(q) == expected


def test_the_query_in_the_issue_filters_by_name_and_trash() -> None:
    query = drive.parse("name contains 'Plan' and trashed=false")
    assert query.node == And((Compare("name", "contains", "Plan"), Compare("trashed", "=", False)))


@pytest.mark.parametrize(
    ("q", "reason", "position"),
    [
        ("(name = 'x'", "unbalanced '('", 0),
        ("name = 'x')", "unexpected text after the query", 10),
        ("name = 'x", "unterminated string", 7),
        ("'", "unterminated string", 0),
        (r"name = 'a\n'", "invalid escape", 9),
        ("title = 'x'", "unknown field 'title'", 0),
        ("Name = 'x'", "unknown field 'Name'", 0),
        ("'x' in folders", "'folders' is not a collection (parents, owners)", 7),
        ("fullText = 'x'", "fullText does not take '='", 0),
        ("trashed contains 'x'", "trashed does not take 'contains'", 0),
        ("trashed = 'true'", "trashed takes true or false", 0),
        ("name = true", "name takes a string", 0),
        ("modifiedTime > 'yesterday'", "'yesterday' is not an RFC 3339 date-time", 0),
        (
            "modifiedTime > '2026-02-30T00:00:00Z'",
            "'2026-02-30T00:00:00Z' is not a valid date-time",
            0,
        ),
        ("name contains", "the query ends where a value is wanted", 13),
        ("name", "the query ends where an operator is wanted", 4),
        ("name 'x'", "an operator must follow a field", 5),
        ("name = x", "a value must be a string, true or false", 7),
        ("'x' parents", "a string must be followed by 'in'", 4),
        ("'x' in 'y'", "'in' must be followed by a field", 7),
        ("and", "unexpected 'and'", 0),
        ("name = 'x' and", "the query ends where a term is wanted", 14),
        ("name = 'x' or or", "unexpected 'or'", 14),
        ("name == 'x'", "a value must be a string, true or false", 6),
        ("name ! 'x'", "'!' without '='", 5),
        ('name = "x"', "unexpected '\"'", 7),
        ("()", "unexpected ')'", 1),
        ("(" * 65, "nesting deeper than 64", 64),
        ("not " * 65 + "starred = true", "nesting deeper than 64", 256),
    ],
)
def test_a_malformed_query_gets_drives_invalid_value(q: str, reason: str, position: int) -> None:
    with pytest.raises(DriveQueryError) as caught:
        drive.parse(q)
    assert (caught.value.reason, caught.value.position) == (reason, position)
    assert caught.value.status == 400
    assert caught.value.provider_body() == DRIVE_400
    assert isinstance(caught.value, InteractorMockError)


def test_the_error_body_helper_is_drives_answer() -> None:
    assert drive.error_body() == DRIVE_400


def test_a_file_without_a_time_field_matches_no_comparison_of_it() -> None:
    assert found("viewedByMeTime < '2030-01-01T00:00:00Z'") == []
    assert found("viewedByMeTime != '2030-01-01T00:00:00Z'") == []


# linearity, counted, never timed


def test_a_megabyte_of_brackets_or_quotes_stops_early() -> None:
    for q, reason, steps in [
        ("(" * 1_000_000, "nesting deeper than 64", drive.MAX_DEPTH + 1),
        ("'" * 1_000_000, "a string must be followed by 'in'", 4),
        ("'" * 1_000_001, "a string must be followed by 'in'", 4),
    ]:
        parser = drive._Parser(q)
        with pytest.raises(DriveQueryError) as caught:
            parser.query()
        assert (caught.value.reason, parser.lexer.steps) == (reason, steps)


def test_an_unterminated_string_of_a_megabyte_is_read_once() -> None:
    q = "name = '" + "x" * 1_000_000
    parser = drive._Parser(q)
    with pytest.raises(DriveQueryError, match="unterminated string"):
        parser.query()
    assert parser.lexer.steps == len(q)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="()'\\ =<>!anotrdsi", max_size=60) | st.text(max_size=60))
def test_any_text_is_tokenized_in_one_pass_and_parses_or_raises_a_query_error(q: str) -> None:
    lexer = drive.Lexer(q)
    failure = None
    try:
        list(lexer)
    except DriveQueryError as error:
        failure = error
    if failure is None:
        assert lexer.steps == len(q)
    else:
        assert lexer.steps <= len(q)
    try:
        drive.parse(q)
    except DriveQueryError as error:
        failure = error
    else:
        failure = None
    if failure is not None:
        assert 0 <= failure.position <= len(q)
        assert failure.provider_body() == DRIVE_400


# properties against a plain model

NAMES = ["Plan", "plan B", "Q3 Plan.docx", "HelloWorld", "it's", "a\\b", "Notes"]
MIMES = ["text/plain", "application/pdf", "application/vnd.google-apps.folder"]
PARENTS = ["root", "folderA", "folderB"]
OWNERS = ["alice@example.com", "bob@example.com"]
TIMES = [
    "2025-01-01T00:00:00Z",
    "2025-06-01T12:00:00+02:00",
    "2025-06-01T10:00:00Z",
    "2026-11-20T10:00:00.250Z",
]

# "world" and "lan" occur inside names but start no word of them; "there" only in descriptions
strings = st.sampled_from(
    ["plan", "Plan", "q3", "hello", "it's", "a\\b", "", "notes", "b", "world", "lan", "there"]
)
leaves = st.one_of(
    st.builds(Compare, st.just("name"), st.sampled_from(["=", "!="]), st.sampled_from(NAMES)),
    st.builds(Compare, st.just("name"), st.just("contains"), strings),
    st.builds(Compare, st.just("fullText"), st.just("contains"), strings),
    st.builds(Compare, st.just("mimeType"), st.sampled_from(["=", "!="]), st.sampled_from(MIMES)),
    st.builds(
        Compare,
        st.sampled_from(["trashed", "starred"]),
        st.sampled_from(["=", "!="]),
        st.booleans(),
    ),
    st.builds(
        Compare,
        st.sampled_from(["modifiedTime", "createdTime"]),
        st.sampled_from(["=", "!=", "<", "<=", ">", ">="]),
        st.sampled_from(TIMES),
    ),
    st.builds(In, st.sampled_from(PARENTS), st.just("parents")),
    st.builds(In, st.sampled_from(OWNERS), st.just("owners")),
)
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.builds(Not, children),
        st.builds(And, st.lists(children, min_size=2, max_size=3).map(tuple)),
        st.builds(Or, st.lists(children, min_size=2, max_size=3).map(tuple)),
    ),
    max_leaves=8,
)
files = st.fixed_dictionaries(
    {
        "name": st.sampled_from(NAMES),
        "mimeType": st.sampled_from(MIMES),
        "trashed": st.booleans(),
        "parents": st.lists(st.sampled_from(PARENTS), max_size=2, unique=True),
        "owners": st.lists(st.sampled_from(OWNERS), max_size=1).map(
            lambda emails: [{"emailAddress": e} for e in emails]
        ),
        "createdTime": st.sampled_from(TIMES),
        "modifiedTime": st.sampled_from(TIMES),
    },
    optional={
        "starred": st.booleans(),
        "description": st.sampled_from(["the plan for q3", "hello there", "Notes, b"]),
    },
)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def _word_prefix(name: str, value: str) -> bool:
    name, value = name.lower(), value.lower()
    starts = [0] + [i + 1 for i, c in enumerate(name) if not c.isalnum()]
    return any(name[i : i + len(value)] == value for i in starts)


def _tokens(text: str) -> list[str]:
    out, word = [], ""
    for c in text.lower() + " ":
        if c.isalnum():
            word += c
        elif word:
            out.append(word)
            word = ""
    return out


def _has_run(text: str, value: str) -> bool:
    hay, needle = _tokens(text), _tokens(value)
    return any(hay[i : i + len(needle)] == needle for i in range(len(hay) - len(needle) + 1))


def model(node, f: dict) -> bool:
    if isinstance(node, Not):
        return not model(node.child, f)
    if isinstance(node, And):
        return all(model(c, f) for c in node.children)
    if isinstance(node, Or):
        return any(model(c, f) for c in node.children)
    if isinstance(node, In):
        if node.field == "parents":
            return node.value in f["parents"]
        return node.value in [o["emailAddress"] for o in f["owners"]]
    field, op, value = node.field, node.op, node.value
    if field in ("trashed", "starred"):
        return (f.get(field, False) == value) is (op == "=")
    if field in ("modifiedTime", "createdTime"):
        left, right = _instant(f[field]), _instant(value)
        return {
            "=": left == right,
            "!=": left != right,
            "<": left < right,
            "<=": left <= right,
            ">": left > right,
            ">=": left >= right,
        }[op]
    if field == "fullText":
        return any(_has_run(t, value) for t in (f["name"], f.get("description", "")))
    if op == "contains":
        return _word_prefix(f["name"], value)
    return (f[field] == value) is (op == "=")


@settings(max_examples=100, deadline=None)
@given(trees)
def test_rendered_trees_parse_back_to_themselves(tree) -> None:
    assert drive.parse(drive.render(tree)).node == tree


@settings(max_examples=100, deadline=None)
@given(trees, st.lists(files, min_size=1, max_size=6))
def test_matching_agrees_with_a_direct_evaluation_of_the_tree(tree, items) -> None:
    query = drive.parse(drive.render(tree))
    assert [query.matches(f) for f in items] == [model(tree, f) for f in items]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=20))
def test_any_string_survives_quoting(value: str) -> None:
    assert drive.parse(f"name = {drive.quote(value)}").node == Compare("name", "=", value)
