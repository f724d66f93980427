"""Headless engine of Thaw Slump Mapper.

Nothing in this package may import qgis or PyQt: it runs in the QGIS plugin, in the command
line tool and on a cluster alike (tests/unit/test_core_is_headless.py enforces it).
"""
