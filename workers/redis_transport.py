"""kombu's Redis transport, with one defect of its connection loss path mended.

When Redis drops while the worker holds unacknowledged messages, Celery closes
the channel, which tries to restore those messages through a connection that
is already gone: kombu then raises ``AttributeError`` (the closed connection's
``client`` is None) instead of a connection error, Celery calls it
“Unrecoverable” and the worker hangs on its way out. Raising the transport's
own ``ConnectionError`` there lets Celery ignore it and reconnect as usual.
Nothing is lost by not restoring: Redis keeps nothing across the restart, and
the store's sweep re-queues every unfinished submission.
"""

from __future__ import annotations

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False):
        if getattr(self.connection, "client", None) is None:
            raise RedisConnectionError("broker connection already closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
