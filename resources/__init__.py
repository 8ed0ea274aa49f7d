"""Icons, stylesheet, translations and the desktop entry, shipped as studio_comm.resources."""
