from __future__ import annotations

from thaw_slump_mapper.core.preferences import Preferences, default_cache_dir


def test_defaults_are_valid_and_stable_under_normalisation():
    prefs = Preferences()
    assert prefs.normalised() == prefs
    assert 0 < prefs.threshold < 1
    assert prefs.device == "auto"


def test_out_of_range_values_are_forced_into_range():
    bad = Preferences(threshold=7, min_area_m2=-5, batch_size=-3, device="tpu", cache_dir="",
                      cache_limit_mb=-1, reviewer="  Lin  ", user_models=("", "/m.onnx"))
    good = bad.normalised()
    assert good.threshold == 1.0
    assert good.min_area_m2 == 0.0
    assert good.batch_size == 0  # automatic
    assert good.device == "auto"
    assert good.cache_dir == default_cache_dir()
    assert good.cache_limit_mb == 0
    assert good.reviewer == "Lin"
    assert good.user_models == ("/m.onnx",)


def test_progress_rate_and_time_left_count_only_this_sessions_tiles():
    from thaw_slump_mapper.core.progress import Progress, ProgressMeter

    assert Progress(30, 100, "tiles", 10.0).rate == 3.0 and Progress(30, 100, "tiles", 10.0).eta_s == 70 / 3
    resumed = Progress(60, 100, "tiles", 10.0, resumed=50)  # 50 found done on disk, 10 run in 10 s
    assert resumed.rate == 1.0 and resumed.eta_s == 40.0
    assert Progress(0, 100, "tiles", 5.0).eta_s is None
    seen = []
    meter = ProgressMeter(10, seen.append)
    meter.skip(4)
    meter.advance(1)
    assert [(p.done, p.resumed) for p in seen] == [(4, 4), (5, 4)]
