"""Lowercase UUID v4 ids from a seed (same seed, same ids) and ISO-8601 UTC timestamps."""

import hashlib
from datetime import datetime, timezone


class SeededIds:
    def __init__(self, seed):
        self._namespace = f'seed:session:{seed}'.encode()
        self._counter = 0

    def next(self):
        digest = bytearray(hashlib.sha256(self._namespace + b'\0' + str(self._counter).encode()).digest()[:16])
        self._counter += 1
        digest[6] = (digest[6] & 0x0F) | 0x40  # version 4
        digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
        h = digest.hex()
        return f'{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}'


def now():
    return datetime.now(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')
