"""Fault injection between the SDK and ``FakeImmich``.

``tests.faults.injector`` holds the injector: a plan of faults (seeded, scripted or at a
rate), an httpx transport wrapper that applies it in-process (both clients), and a
threaded proxy on 127.0.0.1 that applies it on real sockets. The client tests that use
it live in ``tests/_async/test_faults.py`` (mirrored into ``tests/_sync``); the tests of
the injector itself are here.
"""
