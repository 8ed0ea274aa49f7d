"""PySide6 widgets, dialogs and item models. The only package (with app.py) that imports Qt."""
