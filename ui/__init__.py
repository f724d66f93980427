"""Widgets. They display state and emit parameter objects; controllers do the work."""
