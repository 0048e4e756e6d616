"""The PIA record's break-glass entries, parsed once per text (round 14): a changed record is read again."""

from __future__ import annotations

from policies.core.iam import breakglass


def test_the_entries_follow_the_record_on_disk(tmp_path, monkeypatch):
    (tmp_path / "pia").mkdir()
    record = tmp_path / "pia" / "s.yaml"
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    assert breakglass.records("s") == []                       # no record
    record.write_text("break_glass:\n  - principal: arn:aws:iam::111122223333:role/bg\n    alarm: a\n")
    first = breakglass.records("s")
    assert first == [{"principal": "arn:aws:iam::111122223333:role/bg", "alarm": "a"}]
    assert breakglass.records("s") == first and breakglass.records("s", "identity_center_mfa") == []
    record.write_text("break_glass: []\nidentity_center_mfa:\n"
                      "  - {instance: i, mfa: always-on}\n  - not a map\n")
    assert breakglass.records("s") == []
    assert breakglass.records("s", "identity_center_mfa") == [{"instance": "i", "mfa": "always-on"}]
    record.write_text("break_glass: [unclosed\n")
    assert breakglass.records("s") == []                       # unreadable YAML: none, as before
