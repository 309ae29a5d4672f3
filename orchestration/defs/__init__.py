"""The definitions, one folder per integration, read by `load_from_defs_folder`."""
