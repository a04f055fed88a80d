"""The mock's domain over every store: keys, grants, drafts, scenarios and the journal.

Every domain record has a plain JSON form, so the same steps run unchanged on the plain
memory store, on ``MemoryStore(json_roundtrip=True)`` (a persistent store's semantics in
memory), on SQLite and on a real Redis.
"""

from __future__ import annotations

import pytest
import requests

import interactor_mock
from tests.store.conftest import STORES
from tests.store.conftest import make_store

DRAFT = {"to": ["bob@example.com"], "subject": "Lunch?", "body": "Noon at the usual place."}


@pytest.mark.parametrize("store_name", STORES)
def test_keys_grants_drafts_scenarios_and_the_journal_work_on_the_store(
    store_name, request, tmp_path
):
    app = interactor_mock.create_app(store=make_store(store_name, request, tmp_path))
    with interactor_mock.mock(app=app) as m:
        m.grant("gmail", "alice")
        base = f"{m.base_url}/connector/interactor/gmail/action"

        def execute(action, payload, headers=None):
            return requests.post(
                f"{base}/{action}/execute",
                params={"account": "alice"},
                headers=headers or m.headers,
                json=payload,
                timeout=10,
            )

        created = [execute("email.draft.create", {**DRAFT, "subject": f"#{n}"}) for n in range(3)]
        assert [r.status_code for r in created] == [200, 200, 200]
        ids = [r.json()["output"]["id"] for r in created]
        listed = execute("email.draft.list", {}).json()["output"]["drafts"]
        assert sorted(d["id"] for d in listed) == sorted(ids)
        assert execute("email.draft.delete", {"draft_id": ids[0]}).status_code == 200
        listed = execute("email.draft.list", {}).json()["output"]["drafts"]
        assert sorted(d["id"] for d in listed) == sorted(ids[1:])
        gone = execute("email.draft.get", {"draft_id": ids[0]})
        assert (gone.status_code, gone.json()["error"]) == (500, "Requested entity was not found.")

        m.fail_next("gmail", "email.draft.list", times=2)
        statuses = [execute("email.draft.list", {}).status_code for _ in range(3)]
        assert statuses == [500, 500, 200]

        old_headers = dict(m.headers)
        m.rotate_key()
        assert execute("email.draft.list", {}, headers=old_headers).status_code == 401
        assert execute("email.draft.list", {}).status_code == 200
        actions = [call.action for call in m.calls]
        assert actions.count("email.draft.create") == 3
        assert actions.count("email.draft.list") == 6  # the refused old key names no environment
