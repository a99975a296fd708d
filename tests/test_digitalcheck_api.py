"""The Digitalcheck API (/api/v1/digitalcheck/…): the questionnaire, evaluation without storing,
bad input as 422 with item id and German message, and the submissions of one's own
municipality (API key; 404 for every other municipality)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kompass.accounts.services import create_api_token
from kompass.digitalcheck import services
from kompass.digitalcheck.models import Submission
from tests.conftest import Personas
from tests.test_digitalcheck_scoring import EXAMPLE, EXPECTED

pytestmark = pytest.mark.django_db
API = "/api/v1/digitalcheck"


def post(client: Client, path: str, payload: Any, key: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(API + path, json.dumps(payload), content_type="application/json", **headers)


def key_of(user: Any) -> str:
    return create_api_token(user, "Test")[1]


# --- Questionnaire and evaluation ----------------------------------------------------------
def test_questionnaire_is_the_engines_json(client: Client) -> None:
    response = client.get(API + "/questionnaire")
    assert response.status_code == 200
    data = response.json()
    assert (data["slug"], data["version"], data["no_answer"]) == (
        "digitalcheck",
        1,
        "keine_angabe",
    )
    assert len(data["sections"]) == 11 and len(data["items"]) == 43
    stage = data["items"][0]
    assert stage["id"] == "strategy_stage" and stage["type"] == "single_choice"
    assert [o["value"] for o in stage["options"]] == [
        "implementing",
        "in_progress",
        "planned",
        "none",
    ]
    anchoring = next(i for i in data["items"] if i["id"] == "strategy_anchoring")
    assert anchoring["show_if"] == {"item": "strategy_stage", "equals": "implementing"}
    assert data == services.questionnaire_version().questionnaire.to_json()


def test_evaluate_returns_the_result_and_stores_nothing(client: Client) -> None:
    response = post(client, "/evaluate", {"answers": EXAMPLE, "population": 42318, "land": "SH"})
    assert response.status_code == 200
    result = response.json()
    assert {d["id"]: d["score"] for d in result["dimensions"]} == EXPECTED
    assert result["overall"]["level"] == 3
    assert result["type"]["slug"] == "ambitious_large_municipalities"
    assert result["peers"]["n"] == 0 and result["peers"]["histogram"] == []
    assert result["municipality"]["name"] is None
    assert not Submission.objects.exists()


def test_evaluate_shows_peers_from_ten_released_checks(client: Client) -> None:
    from tests.test_digitalcheck_services import peer

    for score in range(5, 100, 10):
        peer(float(score))
    payload = {"answers": EXAMPLE, "population": 42318, "land": "SH"}
    peers = post(client, "/evaluate", payload).json()["peers"]
    assert (peers["n"], peers["percentile"], peers["land_n"]) == (10, 50.0, 10)
    assert peers["histogram"][2] == {"from": 40, "to": 60, "count": 2, "you": True}


def test_evaluate_accepts_keine_angabe_and_no_land(client: Client) -> None:
    response = post(
        client,
        "/evaluate",
        {
            "answers": {"strategy_stage": "keine_angabe", "challenges": ["keine_angabe"]},
            "population": 800,
        },
    )
    assert response.status_code == 200
    assert response.json()["type"]["provisional"] is True


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"answers": {"gibts": "x"}, "population": 5000},
            [("gibts", "Unbekannte Frage „gibts“.")],
        ),
        (
            {"answers": {"digital_unit": "team"}, "population": 5000},
            [("digital_unit", "Unbekannte Option „team“. Erlaubt: unit, working_group, none.")],
        ),
        (
            {"answers": {"mobile_rating": 0}, "population": 5000},
            [("mobile_rating", "Der Wert 0 liegt unter dem Mindestwert 1.")],
        ),
        (
            {
                "answers": {"strategy_stage": "planned", "strategy_alignment": "yes"},
                "population": 5000,
            },
            [
                (
                    "strategy_alignment",
                    "Frage „strategy_alignment“ wird nach Ihrer Antwort auf Frage "
                    "„strategy_stage“ nicht gestellt.",
                )
            ],
        ),
        (
            {"answers": {}, "population": -3, "land": "XX"},
            [
                ("population", "Die Einwohnerzahl -3 liegt außerhalb von 1 bis 10000000."),
                ("land", "Unbekanntes Land „XX“."),
            ],
        ),
    ],
)
def test_bad_input_is_a_422_with_item_and_german_message(
    client: Client, payload: dict[str, Any], errors: list[tuple[str, str]]
) -> None:
    response = post(client, "/evaluate", payload)
    assert response.status_code == 422
    data = response.json()
    assert [e["item_id"] for e in data["errors"]] == [item for item, _ in errors]
    for got, (_, message) in zip(data["errors"], errors, strict=True):
        assert got["message"].startswith(message)
    assert data["detail"].endswith("ungültig.")


def test_malformed_requests_are_422(client: Client) -> None:
    assert post(client, "/evaluate", {"answers": {}}).status_code == 422  # no population
    assert post(client, "/evaluate", {"answers": [], "population": 10}).status_code == 422


# --- Submissions ---------------------------------------------------------------------------
def test_member_stores_a_draft_and_a_submitted_check(client: Client, personas: Personas) -> None:
    key = key_of(personas.mia)
    response = post(
        client,
        "/submissions",
        {"municipality": "musterstadt", "answers": {"digital_lead": "cdo"}},
        key,
    )
    assert response.status_code == 201
    draft = response.json()
    assert (draft["status"], draft["result"], draft["municipality"]) == (
        "draft",
        None,
        "musterstadt",
    )
    assert draft["answers"] == {"digital_lead": "cdo"} and draft["population"] == 42318
    response = post(
        client,
        "/submissions",
        {
            "municipality": "musterstadt",
            "answers": EXAMPLE,
            "status": "submitted",
            "released_for_comparison": True,
        },
        key,
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["status"], data["overall_score"], data["level"]) == ("submitted", 54.2, 3)
    assert data["result"]["municipality"]["name"] == "Musterstadt"
    assert data["released_for_comparison"] is True
    stored = Submission.objects.get(pk=data["id"])
    assert stored.author == personas.mia and stored.is_peer


def test_invalid_submissions_store_nothing(client: Client, personas: Personas) -> None:
    key = key_of(personas.anna)
    response = post(
        client,
        "/submissions",
        {"municipality": "musterstadt", "answers": {"open_data": "maybe"}, "status": "submitted"},
        key,
    )
    assert response.status_code == 422
    items = [e["item_id"] for e in response.json()["errors"]]
    assert items == ["strategy_stage", "open_data"]  # every problem at once, in item order
    response = post(
        client, "/submissions", {"municipality": "musterstadt", "status": "submitted"}, key
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["item_id"] == "strategy_stage"
    assert "Pflichtfrage" in response.json()["errors"][0]["message"]
    assert not Submission.objects.exists()


def test_list_and_detail_show_own_municipalities_only(client: Client, personas: Personas) -> None:
    mine, _ = services.start(municipality=personas.musterstadt)
    services.submit(mine, answers=EXAMPLE)
    theirs, _ = services.start(municipality=personas.beispieldorf)
    services.start(population=5000)  # anonymous: nobody's list
    deleted, _ = services.start(municipality=personas.musterstadt)
    services.delete(deleted)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key_of(personas.mia)}"}
    listed = client.get(API + "/submissions", **headers).json()
    assert listed["count"] == 1 and [s["id"] for s in listed["items"]] == [mine.pk]
    assert "answers" not in listed["items"][0]
    one = client.get(f"{API}/submissions/{mine.pk}", **headers).json()
    assert one["answers"]["strategy_stage"] == "implementing"
    assert one["result"]["overall"]["score"] == 54.2
    narrowed = client.get(API + "/submissions?municipality=musterstadt", **headers).json()
    assert narrowed["count"] == 1
    assert client.get(API + "/submissions?limit=500", **headers).status_code == 422
    assert client.get(f"{API}/submissions/{theirs.pk}", **headers).status_code == 404


def test_outsiders_get_404_and_anonymous_401(client: Client, personas: Personas) -> None:
    """Grid: every submissions endpoint × (ben, clara, staff sven, no key)."""
    check, _ = services.start(municipality=personas.musterstadt)
    services.submit(check, answers=EXAMPLE)
    for user in (personas.ben, personas.clara, personas.sven):
        key = key_of(user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        assert client.get(f"{API}/submissions/{check.pk}", **headers).status_code == 404
        response = client.get(API + "/submissions?municipality=musterstadt", **headers)
        assert response.status_code == 404
        assert check.pk not in [
            s["id"] for s in client.get(API + "/submissions", **headers).json()["items"]
        ]
        response = post(client, "/submissions", {"municipality": "musterstadt", "answers": {}}, key)
        assert response.status_code == 404
    assert client.get(API + "/submissions").status_code == 401
    assert client.get(f"{API}/submissions/{check.pk}").status_code == 401
    assert post(client, "/submissions", {"municipality": "musterstadt"}).status_code == 401
    assert (
        post(client, "/submissions", {"municipality": "musterstadt"}, "kk_falsch").status_code
        == 401
    )
    assert Submission.objects.count() == 1


def test_unknown_municipality_is_404(client: Client, personas: Personas) -> None:
    response = post(client, "/submissions", {"municipality": "gibtsnicht"}, key_of(personas.mia))
    assert response.status_code == 404
