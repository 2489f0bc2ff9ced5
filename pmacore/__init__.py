"""The PMA.core API dialect itself, free of Django: value types, errors and the wire formats.

Both sides of the dialect import it: the embedded tile server (`tileserver/`) that speaks it
and the studio's tile-server client (`studio/tileclient/`) that reads it back.
"""
