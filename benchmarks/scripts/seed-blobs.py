"""Writes N unreferenced blobs of 1 KiB, two days old, into a registry data directory: what
`pkgr admin gc` removes. Used by signing-gc.sh and gc-delete.sh.

    python3 seed-blobs.py DATA N
"""
import hashlib
import os
import sys
import time

data, n = sys.argv[1], int(sys.argv[2])
old = time.time() - 2 * 86400
for i in range(n):
    body = i.to_bytes(8, "big") * 128
    hexd = hashlib.sha256(body).hexdigest()
    d = os.path.join(data, "blobs", "sha256", hexd[:2])
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, hexd)
    with open(p, "wb") as f:
        f.write(body)
    os.utime(p, (old, old))
