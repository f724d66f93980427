"""The review dock, its dialogs (time-lapse, inventory export) and the controller behind them."""
