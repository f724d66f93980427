"""core's user-facing messages are data (key + arguments) and still read as English strings."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from thaw_slump_mapper.core.engine.values import ValueSample, value_warnings
from thaw_slump_mapper.core.errors import InputError
from thaw_slump_mapper.core.messages import TEXTS, Message

ROOT = Path(__file__).resolve().parents[2]


def test_a_message_is_its_english_text_and_keeps_key_and_arguments():
    (warning,) = value_warnings(ValueSample(500, (120.0,) * 4, (200.0,) * 4, ()), "sr16", "uint16", "a.tif")
    assert isinstance(warning, Message) and warning.key == "values.8bit_in_16"
    assert warning.startswith("a.tif: 16-bit values that never exceed 255") and warning.args == {"name": "a.tif"}
    again = pickle.loads(pickle.dumps(warning))
    assert again == warning and again.key == warning.key


def test_an_error_of_two_messages_is_one_message_with_the_fix():
    exc = InputError(Message("mask.missing", path="/x.tif"), Message("mask.missing.fix"))
    assert exc.message.key == "error.with_fix" and exc.message == str(exc)
    assert str(exc) == "The mask /x.tif does not exist. Check the path, or run without a mask for that mosaic."
    assert InputError("plain words").message == "plain words"


def test_every_key_core_uses_is_in_the_catalogue():
    used = set()
    for path in (ROOT / "core").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'Message\(\s*"([a-z0-9_.]+)"', text))
        used |= set(re.findall(r'_problem\(\s*source,\s*"([a-z0-9_.]+)"', text))  # model_spec's "has …" parts
    used |= {f"domain.{d}" for d in ("sr16", "uint8", "reflectance")}  # built as f"domain.{...}"
    assert len(used) > 100 and used <= set(TEXTS)
    assert {"model.missing", "spec.what.activation", "spec.source.none"} <= used


def test_model_errors_are_messages_with_the_same_english(tmp_path):
    from thaw_slump_mapper.core.engine.model_spec import parse_description
    from thaw_slump_mapper.core.engine.models import load_model
    from thaw_slump_mapper.core.errors import ModelError

    with pytest.raises(ModelError) as err:
        load_model(tmp_path / "gone.onnx")
    assert err.value.problem.key == "model.missing" and err.value.message.key == "error.with_fix"
    assert str(err.value) == f"The model file {tmp_path / 'gone.onnx'} does not exist. Check the path, or add " \
                             "the model again."
    base = {"bands": ["red", "nir"], "value_domain": "sr16", "gsd_m": 3, "activation": "relu"}
    with pytest.raises(ModelError) as err:
        parse_description(base, "")
    problem = err.value.problem
    assert problem.key == "spec.problem" and problem.args["what"].key == "spec.what.activation"
    assert problem.args["source"].key == "spec.source.none"
    assert problem == "The model description (none found) has activation 'relu'; expected one of sigmoid, " \
                      "softmax, none."
    again = pickle.loads(pickle.dumps(err.value.message))
    assert again == err.value.message and again.args["problem"].args["what"].key == "spec.what.activation"
