"""The SRU 1.2 server of the union catalogue (explain, searchRetrieve, scan) at /sru. See docs/sru.md."""
