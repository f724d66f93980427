"""Thaw Slump Mapper, a QGIS plugin. QGIS calls :func:`classFactory`; nothing heavy is imported
before that, so a missing package can never break QGIS start-up."""


def classFactory(iface):  # noqa: N802 - QGIS API name
    import traceback

    from .core import deps

    deps.activate_plugin_env()
    deps.guard_qgis_process()
    statuses = deps.check_all()
    if deps.missing_required(statuses):
        from .ui.stub import StubPlugin

        return StubPlugin(iface, statuses)
    try:
        from .plugin import ThawSlumpMapperPlugin
    except Exception:  # noqa: BLE001 - any failure must become a readable stub, not a traceback
        from .ui.stub import StubPlugin

        return StubPlugin(iface, statuses, error=traceback.format_exc(limit=3))
    return ThawSlumpMapperPlugin(iface, statuses)
