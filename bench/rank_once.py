"""`python -m bench.rank_once STAGE_ID`: time one run of the ranking engine in a process of its own.

Used for the stress size, so a slow engine is stopped at the bench's time bound instead of stretching the run.
Prints {"seconds": ..., "entries": ..., "order_sha256": ...}.
"""

import hashlib
import json
import sys
import time


def main() -> None:
    from bench import config

    config.prepare_environment()
    import django

    django.setup()
    from bench.ranking import engine_order

    stage_id = int(sys.argv[1])
    started = time.perf_counter()
    order = engine_order(stage_id)
    seconds = time.perf_counter() - started
    digest = hashlib.sha256(",".join(map(str, order)).encode()).hexdigest()
    print(json.dumps({"seconds": seconds, "entries": len(order), "order_sha256": digest}))


if __name__ == "__main__":
    main()
