"""External catalogues: search other libraries' catalogues (SRU, and Z39.50 through YAZ's ZOOM
API by ctypes) and copy a record into one's drafts. See docs/external-catalogues.md."""
