from __future__ import annotations

from thaw_slump_mapper.core.preferences import Preferences, default_cache_dir


def test_defaults_are_valid_and_stable_under_normalisation():
    prefs = Preferences()
    assert prefs.normalised() == prefs
    assert 0 < prefs.threshold < 1
    assert prefs.device == "auto"


def test_out_of_range_values_are_forced_into_range():
    bad = Preferences(threshold=7, min_area_m2=-5, batch_size=0, device="tpu", cache_dir="",
                      cache_limit_mb=-1, reviewer="  Lin  ", user_models=("", "/m.onnx"))
    good = bad.normalised()
    assert good.threshold == 1.0
    assert good.min_area_m2 == 0.0
    assert good.batch_size == 1
    assert good.device == "auto"
    assert good.cache_dir == default_cache_dir()
    assert good.cache_limit_mb == 0
    assert good.reviewer == "Lin"
    assert good.user_models == ("/m.onnx",)
