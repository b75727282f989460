"""A TCP proxy in front of a server whose connections a test can cut: a real dropped
connection for the browser (its WebSocket closes the way a lost network closes it)."""

from __future__ import annotations

import asyncio
import contextlib
import threading

from web_live import free_port


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to a target port until `cut()`; while cut, new connections
    are refused (closed at once) until `restore()`."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.refusing = False
        self.connections: set[asyncio.StreamWriter] = set()
        self.accepted = 0
        self.loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self._started.wait(timeout=30)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", self.port)
        )
        self._started.set()
        self.loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.close()
            return
        self.accepted += 1
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self.connections.update({writer, upstream_writer})

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            with contextlib.suppress(OSError):
                sink.close()

        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
        self.connections.difference_update({writer, upstream_writer})

    def cut(self) -> None:
        """Drop every open connection (both sides) and refuse new ones."""

        async def cut() -> None:
            self.refusing = True
            for writer in list(self.connections):
                with contextlib.suppress(OSError):
                    writer.transport.abort()
            self.connections.clear()

        asyncio.run_coroutine_threadsafe(cut(), self.loop).result(timeout=30)

    def restore(self) -> None:
        """Accept connections again."""
        self.refusing = False

    def close(self) -> None:
        """Stop listening, drop what is open, end the thread."""

        async def shut() -> None:
            self.server.close()
            for writer in list(self.connections):
                with contextlib.suppress(OSError):
                    writer.transport.abort()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shut(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
