"""The one send: every request goes out through httpx's ``send``, here, with retries,
redirects on the same server, and typed errors. ``_sync/_sender.py`` is generated from it."""

from __future__ import annotations

import contextvars
import logging
import time

import httpx

from immich._core.operation import Operation
from immich._core.response import follow_redirect, raise_for_status
from immich._core.retries import retry_delay, should_retry
from immich._errors import describe_request
from immich._http.errors import check_complete, connection_error, nothing_sent, worth_retrying
from immich._logging import logger
from immich._transfer.concurrency import async_sleep

#: Set while ``with_response()`` runs: the responses of the calls made inside it land here.
captured_responses: contextvars.ContextVar[list[httpx.Response] | None] = contextvars.ContextVar(
    "immich_captured_responses", default=None
)


async def send(
    http: httpx.AsyncClient,
    request: httpx.Request,
    operation: Operation,
    *,
    stream: bool,
    max_retries: int,
) -> httpx.Response:
    """Send ``request`` until it gets an answer: a success (returned, its body read unless
    ``stream``), or an error raised as the SDK's exception for it.

    Connection failures, 408, 429 and 5xx are tried again, up to ``max_retries`` times
    with backoff (or the server's ``Retry-After``), when the operation is safe to repeat
    or the request never left. A redirect is followed on the same server only.
    """
    retry_safe = operation.is_retry_safe(request.headers)
    attempt = 0
    redirects = 0
    while True:
        started = time.perf_counter()
        try:
            response = await http.send(request, stream=stream, follow_redirects=False)
            try:
                if response.status_code >= 400:
                    await response.aread()
                elif not stream:
                    # A body cut short is a broken connection: retried when that is safe.
                    check_complete(response)
            except BaseException:
                await response.aclose()
                raise
        except httpx.TransportError as exc:
            retryable = (retry_safe or nothing_sent(exc)) and worth_retrying(exc)
            if not retryable or attempt >= max_retries:
                raise connection_error(exc, request) from exc
            delay = retry_delay(attempt)
            logger.debug("%s failed: %r", describe_request(request), exc)
        else:
            if logger.isEnabledFor(logging.DEBUG):  # (describing the URL is not free)
                logger.debug(
                    "%s -> %s (%.1f ms)",
                    describe_request(request),
                    response.status_code,
                    (time.perf_counter() - started) * 1000,
                )
            if (captured := captured_responses.get()) is not None:
                captured.append(response)
            if response.is_redirect:
                # e.g. view_asset(size="fullsize") of a JPEG: 302 to its original.
                await response.aclose()
                redirects += 1
                request = follow_redirect(request, response, redirects)
                continue
            if response.status_code < 400:
                return response
            if not (retry_safe and should_retry(response)) or attempt >= max_retries:
                raise_for_status(response, operation)
            delay = retry_delay(attempt, response)
        attempt += 1
        logger.info(
            "%s: retry %d of %d in %.2f s", describe_request(request), attempt, max_retries, delay
        )
        await async_sleep(delay)
