"""Copying folders of slides between tile servers (PMA.core's "transfer" between servers).

`servers.py` names the tile servers a copy may use and opens sessions on them; `copy.py`
copies one slide (download, upload, compare fingerprints); `jobs.py` runs a `CopyJob`
slide by slide, in a thread of the studio process or from `manage.py copy_slides`.
"""
