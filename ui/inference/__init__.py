"""The inference dock and the controller that runs the engine for it."""
