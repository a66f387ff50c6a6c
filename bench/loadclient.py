"""The load generator's HTTP client: keep-alive connections, bounded concurrency, and
httpx's calling shape (``await client.post(path, json=..., headers=...)`` answering a
response with ``status_code``, ``text`` and ``json()``), so scenarios read the same
whichever library carries the requests.

The default is aiohttp: its C parser costs about a fifth of httpx's CPU per request
(docs/performance.md, "Marathon morning"), and the load generator shares the two cores
with the server it measures. ``kind="httpx"`` keeps the old client for comparison.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
from typing import Any

import aiohttp
import httpx

# What a dropped or refused connection raises, whichever client carries the request.
TransportError = (aiohttp.ClientError, asyncio.TimeoutError, httpx.TransportError)
CLIENTS = ("aiohttp", "httpx")


class Response:
    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, content: bytes, headers: Any) -> None:
        self.status_code, self.content, self.headers = status_code, content, headers

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def json(self) -> Any:
        return jsonlib.loads(self.content)


class Client:
    def __init__(self, base_url: str, concurrency: int, timeout: float = 30, kind: str = "aiohttp") -> None:
        if kind not in CLIENTS:
            raise ValueError(f"unknown client {kind!r}; one of {CLIENTS}")
        self.base_url, self.kind = base_url.rstrip("/"), kind
        self._concurrency, self._timeout = concurrency, timeout
        self._aiohttp: aiohttp.ClientSession | None = None
        self._httpx: httpx.AsyncClient | None = None
        if kind == "httpx":
            limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
            self._httpx = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, limits=limits)

    def _session(self) -> aiohttp.ClientSession:
        # Made on first use: aiohttp binds its session to the running event loop.
        if self._aiohttp is None:
            connector = aiohttp.TCPConnector(limit=self._concurrency, limit_per_host=self._concurrency)
            self._aiohttp = aiohttp.ClientSession(
                connector=connector, timeout=aiohttp.ClientTimeout(total=self._timeout),
                # The load generator reads JSON; it has no use for cookies of its own.
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._aiohttp

    async def request(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
                      headers: dict[str, str] | None = None) -> Response:
        if self._httpx is not None:
            answer = await self._httpx.request(method, path, json=json, params=params, headers=headers)
            return Response(answer.status_code, answer.content, answer.headers)
        data = None
        if json is not None:
            data = jsonlib.dumps(json).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        async with self._session().request(method, self.base_url + path, data=data, params=params,
                                           headers=headers) as answer:
            return Response(answer.status, await answer.read(), answer.headers)

    async def get(self, path: str, **options: Any) -> Response:
        return await self.request("GET", path, **options)

    async def post(self, path: str, **options: Any) -> Response:
        return await self.request("POST", path, **options)

    async def delete(self, path: str, **options: Any) -> Response:
        return await self.request("DELETE", path, **options)

    async def aclose(self) -> None:
        if self._httpx is not None:
            await self._httpx.aclose()
        if self._aiohttp is not None:
            await self._aiohttp.close()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
