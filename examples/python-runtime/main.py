"""Entry point: serves the example L3 runtime over stdin/stdout for mplp-conformance.

    npx mplp-conformance run --adapter "exec:python3 examples/python-runtime/main.py"
"""

import asyncio

from mplp_l3.adapter import DESCRIPTION, Session
from mplp_l3.stdio import serve

if __name__ == '__main__':
    asyncio.run(serve(DESCRIPTION, Session))
