"""The starter model's recipes: ``--set KEY=VALUE`` overrides reach the training configuration, and
a mistyped key or a missing '=' stops with one line (before minutes of data loading)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import starter_data


def test_overrides_reach_the_training_configuration():
    recipe = starter_data.recipe_with("lite0-aug", ["arch=UnetPlusPlus", "chip=192", "batch=4", "w_real=0.8",
                                                    "decoder_channels=[64, 32, 16, 16, 8]", "steps=50"])
    config = starter_data.recipe_config(recipe, seed=3)
    assert (config.arch, config.chip, config.batch, config.steps, config.seed) == ("UnetPlusPlus", 192, 4, 50, 3)
    assert config.decoder_channels == (64, 32, 16, 16, 8)
    assert recipe["weights"]["real"] == 0.8
    assert config.scale_range == (0.7, 1.4)  # the recipe's own keys are kept
    assert starter_data.description({}, recipe)["architecture"].startswith("UnetPlusPlus / ")
    assert starter_data.RECIPES["lite0-aug"].get("arch") is None  # the shared recipe is not changed


def test_recipe_without_overrides_keeps_the_old_network():
    config = starter_data.recipe_config(starter_data.recipe_with("starter-0.1"))
    assert (config.arch, config.chip, config.batch) == ("Unet", 128, 8)
    assert config.decoder_channels == (96, 48, 24, 16, 8)


@pytest.mark.parametrize("item, words", [("steps", "KEY=VALUE"), ("stpes=600", "unknown recipe key 'stpes'")])
def test_bad_override_is_one_line(item, words):
    with pytest.raises(SystemExit) as stop:
        starter_data.recipe_with("lite0-aug", [item])
    assert words in str(stop.value) and "\n" not in str(stop.value)


@pytest.mark.parametrize("argv", [["--set", "chip=192", "--set", "batch=4"], ["--set", "chip=192", "batch=4"]])
def test_every_set_is_kept(argv):
    parser = argparse.ArgumentParser()
    starter_data.add_recipe_arguments(parser)
    args = parser.parse_args(["--recipe", "lite0-aug", *argv])
    config = starter_data.recipe_config(starter_data.recipe_with(args.recipe, args.set))
    assert (config.chip, config.batch) == (192, 4)
