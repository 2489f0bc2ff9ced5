"""The embedded tile server's PMA.core API (the dialect the pma_python SDK speaks)."""
