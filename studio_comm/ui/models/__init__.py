"""Qt item models of the main window: customer results and the preferences matrix."""
