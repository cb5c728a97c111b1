from heartscore.labels import CORE_SIGNALS, DEFAULT_SCHEMA, LabelSchema


def test_default_schema_has_polarity_then_four_signals():
    assert DEFAULT_SCHEMA.labels == ("polarity", "trust", "safety", "seen", "mattering")
    assert DEFAULT_SCHEMA.classes("polarity") == ("bad", "neutral", "good")
    assert DEFAULT_SCHEMA.classes("seen") == (-1, 0, 1)
    assert DEFAULT_SCHEMA.signals == CORE_SIGNALS


def test_output_columns_order_and_probability_columns():
    cols = DEFAULT_SCHEMA.output_columns()
    assert cols[:8] == ["polarity", "trust", "safety", "seen", "mattering", "experience",
                        "heart_score", "confidence"]
    assert DEFAULT_SCHEMA.column_types()["experience"] == "string"
    assert "p_polarity_good" in cols and "p_trust_-1" in cols and "p_mattering_1" in cols
    assert len(DEFAULT_SCHEMA.proba_columns()) == 3 * 5


def test_schema_round_trips_and_accepts_extra_signal():
    s = LabelSchema(signals=(*CORE_SIGNALS, "effort"))
    assert LabelSchema.from_dict(s.to_dict()) == s
    assert "effort+" in s.signal_classes()


def test_unknown_label_is_an_error_naming_the_labels():
    import pytest
    with pytest.raises(KeyError, match="polarity"):
        DEFAULT_SCHEMA.classes("effort")
