"""Staff's clerical fix (JSON typed into the triage form) is bounded like an API body: too deep
is a form error, not a crashed worker."""

from __future__ import annotations

from disputes.forms import TriageForm


def test_it_refuses_deeply_nested_json_in_the_dispute_triage() -> None:
    deep = TriageForm({"decision": "clerical", "changes": "[" * 100_000})
    shallow = TriageForm({"decision": "clerical", "changes": '{"item": {"brand": "Chanel"}}'})

    assert not deep.is_valid()
    assert deep.errors["changes"] == ["Not valid JSON: The JSON is nested deeper than 64 levels."]
    assert shallow.is_valid(), shallow.errors
    assert shallow.cleaned_data["changes"] == {"item": {"brand": "Chanel"}}
