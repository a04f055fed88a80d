"""Seed data: documents and files, the control API, the CLI option, big mailboxes."""

from __future__ import annotations

import json
from datetime import datetime
from datetime import timezone

import pytest

from interactor_mock.cli import main
from interactor_mock.config import MockConfig
from interactor_mock.core.engine import Engine
from interactor_mock.core.seed import load_seed_file
from interactor_mock.errors import InvalidSeed
from interactor_mock.errors import UnknownCollection

KEY = "interactor_SEEDSEED_" + "s" * 32
DOCUMENT = {
    "seed": 7,
    "environments": {
        "ci": {
            "name": "CI",
            "apiKey": KEY,
            "accounts": {
                "alice@example.com": {
                    "gmail": {"messages": 30, "drafts": [{"message": {"snippet": "hi"}}]},
                    "googlecalendar-v1": {"calendars": 2, "events": {"count": 5}},
                    "googledrive-v1": {"files": 4},
                    "slack": {"users": 3, "channels": [{"name": "general"}, {"name": "random"}]},
                },
                "bob": {"connect": ["zoom-v1", "github-v1"]},
            },
        }
    },
}


def execute(client, action, payload, *, connector="gmail", account="alice@example.com", key=KEY):
    response = client.post(
        f"/api/v1/connector/interactor/{connector}/action/{action}/execute?account={account}",
        json=payload,
        headers={"x-api-key": key},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["output"]


def test_a_document_creates_its_environment_connects_accounts_and_fills_collections(engine):
    report = engine.seeds.apply_document(DOCUMENT)
    environment = engine.environments.get("ci")
    assert (environment.name, environment.api_key) == ("CI", KEY)
    grants = {(c.connector, c.account) for c in engine.oauth.credentials("ci")}
    assert {
        ("gmail", "alice@example.com"),
        ("zoom-v1", "bob"),
        ("slack", "alice@example.com"),
    } <= grants
    alice = report["environments"]["ci"]["accounts"]["alice@example.com"]
    assert alice["interactor/gmail"] == {"messages": 30, "drafts": 1}
    assert alice["interactor/slack"] == {"users": 3, "channels": 2}
    channels = engine.resources.items(environment, "slack", "channels", "alice@example.com")
    assert [c["name"] for c in channels] == ["general", "random"]


def test_seeded_data_is_answered_by_the_api(engine, client):
    engine.seeds.apply_document(DOCUMENT)
    listed = execute(client, "email.list", {"maxResults": 500})
    assert len(listed["messages"]) == 30
    assert listed["nextPageToken"] is None
    draft = execute(client, "email.draft.list", {})["drafts"][0]
    assert (
        execute(client, "email.draft.get", {"draft_id": draft["id"]})["message"]["snippet"] == "hi"
    )
    users = execute(client, "user.list", {}, connector="slack")["members"]
    assert len(users) == 3
    assert all(u["profile"]["email"].endswith("@example.com") for u in users)
    files = execute(client, "drive.files.list", {}, connector="googledrive-v1")["body"]["files"]
    assert len(files) == 4
    events = execute(
        client, "calendar.events.list", {"calendarId": "primary"}, connector="googlecalendar-v1"
    )["body"]["items"]
    assert len(events) == 5


def test_the_same_seed_gives_the_same_data(clock):
    first, second = Engine(MockConfig(), clock=clock), Engine(MockConfig(), clock=clock)
    for engine in (first, second):
        engine.seeds.apply_document(DOCUMENT)
    items = [
        e.resources.items(e.environments.get("ci"), "gmail", "messages", "alice@example.com")
        for e in (first, second)
    ]
    assert items[0] == items[1]


def test_another_seed_gives_other_data(engine, dev):
    engine.seeds.apply(dev, {"seed": 1, "accounts": {"a": {"gmail": {"messages": 3}}}})
    engine.seeds.apply(dev, {"seed": 2, "accounts": {"b": {"gmail": {"messages": 3}}}})
    a = engine.resources.items(dev, "gmail", "messages", "a")
    b = engine.resources.items(dev, "gmail", "messages", "b")
    assert {m["id"] for m in a}.isdisjoint({m["id"] for m in b})


def test_seeding_again_replaces_the_collection(engine, dev):
    engine.seeds.apply(dev, {"accounts": {"a": {"gmail": {"messages": 5}}}})
    engine.seeds.apply(dev, {"accounts": {"a": {"gmail": {"messages": 2}}}})
    assert len(engine.resources.items(dev, "gmail", "messages", "a")) == 2


def test_explicit_items_are_completed_and_keep_their_fields(engine, dev):
    engine.seeds.apply(
        dev,
        {"accounts": {"a": {"googledrive-v1": {"files": [{"id": "f1", "name": "Plan.txt"}]}}}},
    )
    (item,) = engine.resources.items(dev, "googledrive-v1", "files", "a")
    assert (item["id"], item["name"]) == ("f1", "Plan.txt")
    assert item["kind"] == "drive#file"
    assert item["owners"][0]["emailAddress"] == "a@example.com"


def test_parents_are_seeded_separately(engine, dev):
    engine.seeds.apply(
        dev,
        {
            "accounts": {
                "a": {"googlecalendar-v1": {"events": {"parents": {"primary": 3, "team": 2}}}}
            }
        },
    )
    primary = engine.resources.items(dev, "googlecalendar-v1", "events", "a", parent="primary")
    team = engine.resources.items(dev, "googlecalendar-v1", "events", "a", parent="team")
    assert (len(primary), len(team)) == (3, 2)


def test_seeded_messages_are_coherent(engine, dev):
    engine.seeds.apply(dev, {"accounts": {"alice": {"gmail": {"messages": 40}}}})
    messages = engine.resources.items(dev, "gmail", "messages", "alice")
    for message in messages:
        headers = {h["name"]: h["value"] for h in message["payload"]["headers"]}
        assert headers["Subject"] == message["message_info"]["subject"]
        assert message["threadId"] in {m["id"] for m in messages}
    dates = [int(m["internalDate"]) for m in messages]
    assert dates == sorted(dates, reverse=True)
    assert any(m["id"] != m["threadId"] for m in messages)
    assert any("SENT" in m["labelIds"] for m in messages)
    action = engine.registry.action("gmail", "email.get")
    assert all(action.output_problems(m) == [] for m in messages)


def test_a_5000_message_mailbox_pages_correctly_at_500_per_page(engine, dev, client, headers):
    engine.seeds.apply(dev, {"accounts": {"alice": {"gmail": {"messages": 5000}}}})
    ids, token, pages = [], None, 0
    while True:
        payload = {"limit": 500, **({"pageToken": token} if token else {})}
        response = client.post(
            "/api/v1/connector/gmail/action/email.get.batch/execute?account=alice",
            json=payload,
            headers=headers,
        )
        output = response.get_json()["output"]
        pages += 1
        assert len(output["messages"]) == 500
        assert all("payload" in m for m in output["messages"])
        assert all("message_info" in m for m in output["messages"])
        ids += [m["id"] for m in output["messages"]]
        token = output["nextPageToken"]
        if token is None:
            break
    assert pages == 10
    assert len(ids) == len(set(ids)) == 5000


def test_page_size_is_capped_at_500(engine, dev, client, headers):
    engine.seeds.apply(dev, {"accounts": {"alice": {"gmail": {"messages": 700}}}})
    response = client.post(
        "/api/v1/connector/gmail/action/email.get.batch/execute?account=alice",
        json={"limit": 1000},
        headers=headers,
    )
    output = response.get_json()["output"]
    assert len(output["messages"]) == 500
    assert output["nextPageToken"]


# The memory of a 5,000-message mailbox is a figure of `bench/memory.py` (a timed or memory
# bound has no place in a test): here, only that its messages are built on read, the same
# each time.


def test_a_seeded_mailbox_builds_the_same_message_on_every_read(engine, dev, client, headers):
    engine.seeds.apply(dev, {"accounts": {"alice": {"gmail": {"messages": 5000}}}})
    items = engine.resources.items(dev, "gmail", "messages", "alice")
    assert len(items) == 5000
    again = engine.resources.items(dev, "gmail", "messages", "alice")
    assert items[4999] == again[4999]
    assert len({m["id"] for m in items}) == 5000


# --- which seed wins: collection > environment > document > the environment's own ------------


def _message_ids(document):
    engine = Engine(MockConfig())
    engine.seeds.apply_document(document)
    environment = engine.environments.get("ci")
    return [m["id"] for m in engine.resources.items(environment, "gmail", "messages", "a")]


def _document(*, top=None, env=None, collection=None):
    spec = {"count": 3} if collection is None else {"count": 3, "seed": collection}
    environment = {"accounts": {"a": {"gmail": {"messages": spec}}}}
    if env is not None:
        environment["seed"] = env
    document = {"environments": {"ci": environment}}
    if top is not None:
        document["seed"] = top
    return document


def test_the_documents_top_level_seed_is_the_environments_seed():
    assert _message_ids(_document(top=7)) == _message_ids(_document(env=7))
    assert _message_ids(_document(top=7)) != _message_ids(_document())


def test_an_environments_seed_wins_over_the_documents():
    assert _message_ids(_document(top=7, env=8)) == _message_ids(_document(env=8))
    assert _message_ids(_document(top=7, env=8)) != _message_ids(_document(top=7))


def test_a_collections_seed_wins_over_both():
    chosen = _message_ids(_document(collection=9))
    assert _message_ids(_document(top=7, env=8, collection=9)) == chosen
    assert _message_ids(_document(top=7, collection=9)) == chosen
    assert chosen != _message_ids(_document(top=7, env=8))


def test_a_document_seed_becomes_a_new_environments_own_seed():
    engine = Engine(MockConfig())
    engine.seeds.apply_document(_document(top=7))
    assert engine.environments.get("ci").seed == 7
    engine.seeds.apply_document({"seed": 5, "environments": {"other": {"seed": 6}}})
    assert engine.environments.get("other").seed == 6


# --- files, the control API, the CLI -------------------------------------------------------


def test_a_json_file_seeds(tmp_path, engine):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(DOCUMENT))
    engine.seeds.apply_file(path)
    assert engine.environments.get("ci").api_key == KEY


def test_a_yaml_file_seeds(tmp_path, engine):
    pytest.importorskip("yaml")
    path = tmp_path / "seed.yaml"
    path.write_text(
        "environments:\n  development:\n    accounts:\n      alice:\n"
        "        gmail:\n          messages: 3\n"
    )
    engine.seeds.apply_file(path)
    assert (
        len(engine.resources.items(engine.default_environment, "gmail", "messages", "alice")) == 3
    )


@pytest.mark.parametrize(
    ("text", "suffix", "message"),
    [
        ("{not json", ".json", "not valid JSON (line 1"),
        ("[1]", ".json", "must be an object"),
        ("a: [", ".yml", "not valid YAML"),
    ],
)
def test_a_bad_file_says_why(tmp_path, text, suffix, message):
    if suffix == ".yml":
        pytest.importorskip("yaml")
    path = tmp_path / f"seed{suffix}"
    path.write_text(text)
    with pytest.raises(InvalidSeed, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_seed_file(path)


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(InvalidSeed, match="Cannot read seed file"):
        load_seed_file(tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("document", "at"),
    [
        ({"accounts": {"a": {"gmail": {"messages": -1}}}}, "accounts.a.gmail.messages"),
        (
            {"accounts": {"a": {"gmail": {"messages": {"count": 1.5}}}}},
            "accounts.a.gmail.messages.count",
        ),
        (
            {"accounts": {"a": {"gmail": {"messages": {"cout": 3}}}}},
            "accounts.a.gmail.messages.cout",
        ),
        ({"accounts": {"a": {"gmail": {"messages": [1]}}}}, "accounts.a.gmail.messages.items"),
        ({"accounts": {"a": {"gmail": 3}}}, "accounts.a.gmail"),
        ({"accounts": {"a": {"connect": "gmail"}}}, "accounts.a.connect"),
        ({"accounts": []}, "accounts"),
        ({"anchor": "yesterday"}, "anchor"),
        ({"sede": 1}, "sede"),
    ],
)
def test_a_bad_seed_names_the_place(engine, dev, document, at):
    with pytest.raises(InvalidSeed) as raised:
        engine.seeds.apply(dev, document)
    assert raised.value.extra["at"] == at


def test_an_unknown_collection_names_the_declared_ones(engine, dev):
    with pytest.raises(UnknownCollection) as raised:
        engine.seeds.apply(dev, {"accounts": {"a": {"gmail": {"mails": 3}}}})
    assert raised.value.extra["known_collections"] == ["drafts", "messages"]


def test_the_control_api_seeds_an_environment(client, dev, engine):
    response = client.post(
        f"/_mock/environments/{dev.id}/seed",
        json={"accounts": {"alice": {"gmail": {"messages": 2}}}},
    )
    assert response.status_code == 201
    assert response.get_json() == {"accounts": {"alice": {"interactor/gmail": {"messages": 2}}}}


def test_the_control_api_seeds_a_whole_document(client, engine):
    response = client.post("/_mock/seed", json=DOCUMENT)
    assert response.status_code == 201
    assert "ci" in response.get_json()["environments"]


def test_the_control_api_says_what_is_wrong_with_a_seed(client, dev):
    response = client.post(
        f"/_mock/environments/{dev.id}/seed", json={"accounts": {"a": {"gmail": {"messages": "x"}}}}
    )
    assert response.status_code == 400
    assert response.get_json()["at"] == "accounts.a.gmail.messages"


def test_serve_refuses_a_bad_seed_file(tmp_path, capsys):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"accounts": {}}))
    assert main(["serve", "--port", "0", "--seed-file", str(path)]) == 2
    assert "--seed-file" in capsys.readouterr().err


def test_serve_seeds_before_listening(tmp_path, monkeypatch, capsys):
    import werkzeug.serving

    path = tmp_path / "seed.json"
    path.write_text(json.dumps(DOCUMENT))
    served = {}

    class Server:
        server_port = 5

        def serve_forever(self, poll_interval):
            served["engine"] = app.extensions["interactor_mock"]

        def server_close(self):
            pass

    def make_server(host, port, wsgi, threaded, request_handler=None):
        global app
        app = wsgi
        return Server()

    monkeypatch.setattr(werkzeug.serving, "make_server", make_server)
    argv = ["serve", "--port", "0", "--state", "memory", "--seed-file", str(path)]
    assert main(argv) == 0  # --state memory: served in this process, on werkzeug
    assert "seeded from" in capsys.readouterr().out
    engine = served["engine"]
    assert (
        len(
            engine.resources.items(
                engine.environments.get("ci"), "gmail", "messages", "alice@example.com"
            )
        )
        == 30
    )


def test_an_anchor_fixes_the_dates(engine, dev):
    anchor = "2025-01-01T00:00:00Z"
    engine.seeds.apply(dev, {"anchor": anchor, "accounts": {"a": {"gmail": {"messages": 3}}}})
    newest = engine.resources.items(dev, "gmail", "messages", "a")[0]
    moment = datetime.fromtimestamp(int(newest["internalDate"]) / 1000, tz=timezone.utc)
    assert moment <= datetime(2025, 1, 1, tzinfo=timezone.utc)


def test_the_handle_seeds_and_reads_resources(tmp_path):
    import requests

    import interactor_mock

    with interactor_mock.mock() as m:
        report = m.seed({"alice": {"gmail": {"messages": 12}}}, seed=3)
        assert report["accounts"]["alice"]["interactor/gmail"] == {"messages": 12}
        assert len(m.resources("gmail", "messages", account="alice")) == 12
        url = f"{m.base_url}/connector/interactor/gmail/action/email.draft.create/execute"
        requests.post(
            url,
            params={"account": "alice"},
            headers=m.headers,
            json={"to": ["b@example.com"], "subject": "s", "body": "b"},
        )
        (draft,) = m.resources("gmail", "drafts", account="alice")
        assert draft["message"]["message_info"]["subject"] == "s"
        path = tmp_path / "seed.json"
        path.write_text(json.dumps({"accounts": {"bob": {"slack": {"users": 2}}}}))
        m.seed(file=path)
        assert len(m.resources("slack", "users", account="bob")) == 2


def test_one_seeding_makes_at_most_max_seeded_items_in_all(client, dev, monkeypatch):
    from interactor_mock.core import seed as seeding

    monkeypatch.setattr(seeding, "MAX_SEEDED", 10)
    taken = client.post(
        f"/_mock/environments/{dev.id}/seed",
        json={"accounts": {"a": {"gmail": {"messages": 6}}, "b": {"gmail": {"messages": 4}}}},
    )
    assert taken.status_code == 201, taken.json
    refused = client.post(
        "/_mock/seed",
        json={
            "environments": {
                dev.id: {"accounts": {"a": {"gmail": {"messages": 6}}}},
                "testing": {
                    "accounts": {"b": {"gmail": {"drafts": {"count": 3, "items": [{}, {}]}}}}
                },
            }
        },
    )
    assert (refused.status_code, refused.json) == (
        400,
        {
            "error": "environments.testing.accounts.b.gmail.drafts: a seeding makes at most 10 "
            "items in all",
            "at": "environments.testing.accounts.b.gmail.drafts",
        },
    )
