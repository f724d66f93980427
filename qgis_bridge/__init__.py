"""QGIS-bound code that is not a widget: translation, logging, settings, tasks, Processing.

It lives outside core/ because it imports qgis, and outside ui/ because Processing and the
command line use it without any dock.
"""
