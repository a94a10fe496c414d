"""Building blocks of the bulk workflows (``upload``, ``download``), with no client and
no HTTP: walking and ignoring files, hashing and the hash cache, layouts, partial files,
progress, results, and running work concurrently.
"""
