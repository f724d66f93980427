"""Model descriptions: our schema, Deepness keys, sidecar precedence, and clear refusals."""

from __future__ import annotations

import json

import pytest

from thaw_slump_mapper.core.engine.model_spec import (
    deepness_to_description,
    from_metadata_props,
    parse_description,
)
from thaw_slump_mapper.core.errors import ModelError

MINIMAL = {"bands": ["blue", "green", "red", "nir"], "value_domain": "sr16", "gsd_m": 3, "activation": "sigmoid"}


def test_minimal_description_gets_sensible_defaults():
    spec = parse_description(dict(MINIMAL), "test.json", "unet")
    assert spec.name == "unet" and spec.tile_size == 512 and spec.overlap == 64
    assert spec.classes == ("rts",) and spec.rts_class == 0 and spec.threshold == 0.5
    assert spec.normalization.kind == "none"


def test_missing_keys_are_named_with_the_fix():
    with pytest.raises(ModelError) as err:
        parse_description({"bands": ["red"]}, "m.json")
    text = str(err.value)
    assert "value_domain, gsd_m, activation" in text and "sidecar JSON" in text


@pytest.mark.parametrize("change, words", [
    ({"value_domain": "dn"}, "value_domain 'dn'"),
    ({"activation": "relu"}, "activation 'relu'"),
    ({"gsd_m": -3}, "gsd_m"),
    ({"bands": "rgb"}, "'bands'"),
    ({"overlap": 400}, "overlap 400"),
    ({"normalization": {"kind": "meanstd", "mean": [1, 2], "std": [1, 1, 1, 1]}}, "2 values for normalization.mean"),
    ({"normalization": {"kind": "meanstd", "mean": 0, "std": 0}}, "zero or negative standard deviation"),
    ({"classes": ["bg", "rts"], "rts_class": 5}, "rts_class 5"),
])
def test_bad_values_are_refused_in_plain_words(change, words):
    with pytest.raises(ModelError) as err:
        parse_description({**MINIMAL, **change}, "m.json")
    assert words in str(err.value)


def test_band_count_must_match_the_model_input():
    with pytest.raises(ModelError) as err:
        parse_description(dict(MINIMAL), "m.json", input_shape=(None, 3, None, None))
    assert "takes 3 input bands" in str(err.value) and "lists 4" in str(err.value)


def test_fixed_input_size_sets_the_tile_and_must_agree():
    assert parse_description(dict(MINIMAL), "m", input_shape=(1, 4, 256, 256)).tile_size == 256
    with pytest.raises(ModelError):
        parse_description({**MINIMAL, "tile_size": 512}, "m", input_shape=(1, 4, 256, 256))


def test_output_channels_fill_and_check_classes():
    spec = parse_description({**MINIMAL, "activation": "softmax"}, "m", output_channels=2)
    assert spec.classes == ("background", "rts") and spec.rts_class == 1
    with pytest.raises(ModelError):
        parse_description({**MINIMAL, "classes": ["a", "b", "c"]}, "m", output_channels=2)


def test_deepness_metadata_is_translated():
    props = {"model_type": json.dumps("Segmentor"), "class_names": json.dumps({0: "background", 1: "thaw slump"}),
             "resolution": json.dumps(300), "tiles_size": json.dumps(256), "tiles_overlap": json.dumps(25),
             "seg_thresh": json.dumps(0.4), "standardization_mean": json.dumps([0.5, 0.4, 0.3]),
             "standardization_std": json.dumps([0.2, 0.2, 0.25]), "seg_small_segment": json.dumps(10)}
    data = from_metadata_props(props)
    assert data["gsd_m"] == 3.0 and data["tile_size"] == 256 and data["overlap"] == 64
    assert data["rts_class"] == 1 and data["threshold"] == 0.4 and data["value_domain"] == "uint8"
    assert data["normalization"]["mean"] == pytest.approx([127.5, 102.0, 76.5])
    assert data["min_area_m2"] == 90.0
    spec = parse_description({**data, "bands": ["red", "green", "blue"]}, "embedded")
    assert spec.normalization.std == pytest.approx((51.0, 51.0, 63.75))


def test_deepness_non_segmentation_model_is_refused():
    with pytest.raises(ModelError) as err:
        deepness_to_description({"model_type": "Detector"})
    assert "segmentation models only" in str(err.value)


def test_our_embedded_description_wins_over_flat_keys():
    props = {"tsm_description": json.dumps({**MINIMAL, "name": "embedded"}), "resolution": "1000"}
    assert from_metadata_props(props)["name"] == "embedded"
