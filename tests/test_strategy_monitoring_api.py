"""Monitoring API (/api/v1/strategy/workspaces/{id}/…): evaluation plans, indicators and
measurements through the same services as the pages, status JSON, 409/422/403/404, and the
permission grid of every endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from kompass.strategy import monitoring
from kompass.strategy.models import Activity
from kompass.strategy.models_monitoring import Indicator, Measurement
from tests.test_strategy_monitoring import (
    D0,
    D1,
    Demo,
    day,
    demo_fixture,  # noqa: F401 - the fixture "demo"
)
from tests.test_strategy_workspace import (
    MEMBERS,
    OUTSIDERS,
    PEOPLE,
    team_fixture,  # noqa: F401 - the fixture "team"
)
from tests.test_strategy_workspace_api import Api

pytestmark = pytest.mark.django_db
API = "/api/v1/strategy/workspaces"

ALL = frozenset(MEMBERS)
EDIT = frozenset({"core_team", "contributor"})
MEASURE = frozenset({"core_team", "contributor", "external_partner"})


def delete(api: Api, url: str) -> Any:
    return api.client.delete(url, **api.headers)


def ws(d: Demo) -> str:
    return f"{API}/{d.team.workspace.pk}"


def _m(d: Demo) -> int:
    return Measurement.objects.get(indicator=d.riders).pk


@dataclass(frozen=True)
class Call:
    name: str
    send: Callable[[Api, Demo], Any]
    allowed: frozenset[str]
    ok: int = 200


def _restore_indicator(api: Api, d: Demo) -> Any:
    monitoring.delete_indicator(actor=d.team.anna, indicator=d.downloads, version=1)
    return api.post(f"{ws(d)}/indicators/{d.downloads.pk}/restore", {})


def _restore_measurement(api: Api, d: Demo) -> Any:
    m = Measurement.objects.get(indicator=d.riders)
    monitoring.delete_measurement(actor=d.team.anna, measurement=m, version=1)
    return api.post(f"{ws(d)}/measurements/{m.pk}/restore", {})


def _restore_plan(api: Api, d: Demo) -> Any:
    monitoring.delete_plan(actor=d.team.anna, plan=d.plan, version=1)
    return api.post(f"{ws(d)}/evaluation-plans/{d.plan.pk}/restore", {})


NEW_INDICATOR = {
    "level": "outcome",
    "name": "Zufriedenheit",
    "unit": "%",
    "baseline_value": "60",
    "baseline_date": D0.isoformat(),
    "target_value": 80,
    "target_date": D1.isoformat(),
    "dimensions": ["participation"],
}

CALLS = [
    Call("status", lambda a, d: a.get(f"{ws(d)}/monitoring/status"), ALL),
    Call("project status", lambda a, d: a.get(f"{ws(d)}/monitoring/projects/{d.rufbus.pk}"), ALL),
    Call("plans", lambda a, d: a.get(f"{ws(d)}/evaluation-plans"), ALL),
    Call("plan", lambda a, d: a.get(f"{ws(d)}/evaluation-plans/{d.plan.pk}"), ALL),
    Call(
        "create plan",
        lambda a, d: a.post(
            f"{ws(d)}/evaluation-plans", {"project": d.app.pk, "timing": "ex_post"}
        ),
        EDIT,
        201,
    ),
    Call(
        "patch plan",
        lambda a, d: a.patch(
            f"{ws(d)}/evaluation-plans/{d.plan.pk}", {"version": 1, "execution": "external"}
        ),
        EDIT,
    ),
    Call(
        "delete plan",
        lambda a, d: delete(a, f"{ws(d)}/evaluation-plans/{d.plan.pk}?version=1"),
        EDIT,
    ),
    Call("restore plan", _restore_plan, EDIT),
    Call("indicators", lambda a, d: a.get(f"{ws(d)}/indicators"), ALL),
    Call("indicator", lambda a, d: a.get(f"{ws(d)}/indicators/{d.riders.pk}"), ALL),
    Call(
        "create indicator",
        lambda a, d: a.post(f"{ws(d)}/indicators", {**NEW_INDICATOR, "project": d.app.pk}),
        EDIT,
        201,
    ),
    Call(
        "patch indicator",
        lambda a, d: a.patch(f"{ws(d)}/indicators/{d.riders.pk}", {"version": 1, "unit": "P."}),
        EDIT,
    ),
    Call(
        "delete indicator",
        lambda a, d: delete(a, f"{ws(d)}/indicators/{d.riders.pk}?version=1"),
        EDIT,
    ),
    Call("restore indicator", _restore_indicator, EDIT),
    Call("measurements", lambda a, d: a.get(f"{ws(d)}/indicators/{d.riders.pk}/measurements"), ALL),
    Call(
        "create measurement",
        lambda a, d: a.post(
            f"{ws(d)}/indicators/{d.riders.pk}/measurements",
            {"date": day(60).isoformat(), "value": "150.5"},
        ),
        MEASURE,
        201,
    ),
    Call(
        "patch measurement",
        lambda a, d: a.patch(f"{ws(d)}/measurements/{_m(d)}", {"version": 1, "value": 147}),
        MEASURE,
    ),
    Call(
        "delete measurement",
        lambda a, d: delete(a, f"{ws(d)}/measurements/{_m(d)}?version=1"),
        MEASURE,
    ),
    Call("restore measurement", _restore_measurement, MEASURE),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
def test_permission_grid(demo: Demo, call: Call, who: str) -> None:
    before = Activity.objects.count()
    response = call.send(Api(demo.team.user(who)), demo)
    if who == "anonymous":
        assert response.status_code == 401
    elif who in OUTSIDERS:
        assert response.status_code == 404
        assert response.json() == {"detail": "Arbeitsraum nicht gefunden."}
    elif who in call.allowed:
        assert response.status_code == call.ok, response.content
    else:
        assert response.status_code == 403
        assert "Rolle" in response.json()["detail"]
    changed = Activity.objects.count() > before
    restore = call.name.startswith("restore")
    if who not in call.allowed:
        assert Activity.objects.count() == before + (1 if restore else 0)  # only the setup
    elif call.ok == 201 or call.name.split()[0] in ("patch", "delete", "restore"):
        assert changed


def test_status_json_per_field_and_project(demo: Demo) -> None:
    data = Api(demo.team.lea).get(f"{ws(demo)}/monitoring/status").json()
    assert [(f["title"], f["status"], f["label"]) for f in data] == [
        ("Mobilität", "not_on_track", "nicht auf Kurs"),
        ("ohne Handlungsfeld", "no_data", "keine Daten"),
    ]
    assert data[0]["id"] == demo.mobility.pk and data[1]["id"] is None
    assert [
        (p["title"], p["status"], p["assessed"], p["has_plan"]) for p in data[0]["projects"]
    ] == [
        ("Mobilitätsapp", "partly", 1, False),
        ("Rufbus", "not_on_track", 2, True),
    ]
    project = Api(demo.team.lea).get(f"{ws(demo)}/monitoring/projects/{demo.rufbus.pk}").json()
    assert project["plan"]["evaluator"] == "Stabsstelle Digitalisierung"
    riders = project["indicators"][0]
    assert riders["status"] == {
        "status": "on_track",
        "label": "auf Kurs",
        "progress": "0.45",
        "elapsed": "0.5",
        "latest_date": "2024-02-20",
        "latest_value": "145",
        "reason": "",
    }
    assert (riders["baseline_value"], riders["target_value"]) == ("100", "200")


def test_indicator_lifecycle_with_conflict_and_validation(demo: Demo) -> None:
    anna, carl = Api(demo.team.anna), Api(demo.team.carl)
    created = anna.post(f"{ws(demo)}/indicators", {**NEW_INDICATOR, "project": demo.app.pk})
    assert created.status_code == 201
    body = created.json()
    assert (body["version"], body["target_value"], body["status"]["status"]) == (1, "80", "no_data")
    url = f"{ws(demo)}/indicators/{body['id']}"
    assert carl.patch(url, {"version": 1, "name": "Zufriedenheit (Umfrage)"}).status_code == 200
    stale = anna.patch(url, {"version": 1, "target_value": "90"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2 and stale.json()["changed_fields"] == ["name"]
    assert "Carl Mitwirkend" in stale.json()["detail"]
    bad = anna.patch(url, {"version": 2, "target_value": "60"})
    assert bad.status_code == 422
    assert "gleich dem Ausgangswert" in bad.json()["errors"]["target_value"][0]
    cleared = anna.patch(url, {"version": 2, "unit": None, "dimensions": None})
    assert cleared.json()["unit"] == "" and cleared.json()["dimensions"] == []
    assert delete(anna, f"{url}?version=3").status_code == 200
    assert anna.get(url).status_code == 404
    restored = anna.post(f"{url}/restore", {})
    assert restored.status_code == 200 and restored.json()["version"] == 5
    again = anna.post(f"{url}/restore", {})
    assert again.status_code == 422 and "nicht gelöscht" in again.json()["detail"]


def test_create_indicator_errors(demo: Demo) -> None:
    api = Api(demo.team.anna)
    response = api.post(
        f"{ws(demo)}/indicators",
        {**NEW_INDICATOR, "project": 999999, "target_date": D0.isoformat(), "level": "x"},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "Dieses Projekt gibt es" in errors["project"][0]
    assert "Bitte eine Wirkungsebene wählen" in errors["level"][0]
    assert "muss nach dem Datum der Basiserhebung" in errors["target_date"][0]


def test_measurements_in_the_api(demo: Demo) -> None:
    pia = Api(demo.team.pia)
    base = f"{ws(demo)}/indicators/{demo.riders.pk}/measurements"
    early = pia.post(base, {"date": "2023-12-01", "value": 1})
    assert early.status_code == 422
    assert "liegt vor der Basiserhebung" in early.json()["errors"]["date"][0]
    twice = pia.post(base, {"date": day(50).isoformat(), "value": 1})
    assert twice.status_code == 422 and "schon einen Messwert" in twice.json()["errors"]["date"][0]
    created = pia.post(base, {"date": day(90).isoformat(), "value": "199.25", "note": "Zählung"})
    assert created.status_code == 201 and created.json()["value"] == "199.25"
    listed = pia.get(base).json()
    assert [(m["date"], m["value"]) for m in listed] == [
        ("2024-02-20", "145"),
        ("2024-03-31", "199.25"),
    ]
    mid = created.json()["id"]
    assert (
        pia.patch(f"{ws(demo)}/measurements/{mid}", {"version": 1, "note": None}).json()["note"]
        == ""
    )
    stale = pia.patch(f"{ws(demo)}/measurements/{mid}", {"version": 1, "value": 3})
    assert stale.status_code == 409 and stale.json()["changed_fields"] == ["note"]
    assert Measurement.objects.get(pk=mid).version == 2
    indicator = Api(demo.team.lea).get(f"{ws(demo)}/indicators/{demo.riders.pk}").json()
    assert indicator["measurements"] == 2 and indicator["status"]["latest_value"] == "199.25"


def test_plans_in_the_api(demo: Demo) -> None:
    api = Api(demo.team.anna)
    twice = api.post(f"{ws(demo)}/evaluation-plans", {"project": demo.rufbus.pk})
    assert twice.status_code == 422 and "schon einen Evaluationsplan" in twice.json()["detail"]
    bad = api.patch(f"{ws(demo)}/evaluation-plans/{demo.plan.pk}", {"version": 1, "timing": "nie"})
    assert bad.status_code == 422 and "timing" in bad.json()["errors"]
    listed = api.get(f"{ws(demo)}/evaluation-plans?project={demo.rufbus.pk}").json()
    assert [(p["timing"], p["timing_label"]) for p in listed] == [("ongoing", "projektbegleitend")]


def test_other_workspaces_items_are_404(demo: Demo) -> None:
    from kompass.strategy import services

    other = services.create_workspace(
        actor=demo.team.anna, municipality=demo.team.personas.musterstadt, title="Zweiter Raum"
    )
    api = Api(demo.team.anna)
    base = f"{API}/{other.pk}"
    assert api.get(f"{base}/indicators/{demo.riders.pk}").status_code == 404
    assert api.patch(f"{base}/measurements/{_m(demo)}", {"version": 1}).status_code == 404
    assert api.get(f"{base}/evaluation-plans/{demo.plan.pk}").status_code == 404
    assert api.get(f"{base}/monitoring/projects/{demo.rufbus.pk}").status_code == 404
    assert Indicator.objects.get(pk=demo.riders.pk).version == 1
