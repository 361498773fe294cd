"""Web pages of the catalogue. opac.py: the public catalogue and copy cataloguing (blueprint "catalog")."""
