"""QGIS adapters below the widgets: translation, logging, settings storage, the QgsTask wrapper,
layer helpers and the Processing provider.

They import qgis, so they cannot live in core/; Processing and ``qgis_process`` use them without
any dock, so they do not belong in ui/. Nothing here imports ui/ (tests/unit/test_layering.py).
"""
