#!/usr/bin/env python3
"""An outside tus 1.0.0 server (aiohttp + aiohttp-tus) for testing our Swift tus client.

    .venv-test/bin/python Tests/Interop/tus_server.py --dir DIR [--port N] [--allow-overwrite] [--verbose]

Listens on 127.0.0.1 (port 0 = any free port, the default) with the tus upload URL /files.
Once listening it prints exactly one line, `PORT <n>`, to stdout; everything else goes to stderr.
Serves until SIGTERM or SIGINT, then exits promptly (status 0).

What aiohttp-tus 1.1.0 does, so the client side knows what to send and expect:
- POST /files needs `Tus-Resumable` (else 500, not 412), `Upload-Length` (it has no
  creation-defer-length: a missing length becomes 0 and the upload can never finish) and
  `Upload-Metadata` with a `filename` key (else 404). Every metadata key needs a value
  (`key base64`): a bare key makes its parser fail with 500.
  -> 201 with an absolute `Location: http://<Host header>/files/<uuid4>`.
- Only one upload per file stem unless --allow-overwrite: a POST whose filename's stem matches
  `<stem>.*` in DIR is refused with 409.
- Partial bytes live in DIR/.resources/<uuid>, state in DIR/.metadata/<uuid>.json; when the
  offset reaches Upload-Length the file is moved to DIR/<filename> and the state is deleted,
  so a HEAD on a finished upload answers 404.
- PATCH takes the new offset from the request's Content-Length header (so send one, not
  chunked encoding), reads the whole body before writing anything (a dropped PATCH stores
  nothing), answers 409 on an Upload-Offset mismatch, ignores Content-Type and Upload-Checksum.
- A PATCH to an unknown upload id answers 500 (a bug in its 410 path), a HEAD 404.
- HEAD gives Upload-Offset and Upload-Length (no Upload-Expires); OPTIONS answers 204 with
  Tus-Version and Tus-Extension (creation,termination,file-check) only when the request carries
  Tus-Resumable. No authentication: an Authorization header is ignored.
"""

import argparse
import asyncio
import logging
import signal
import sys
import warnings
from pathlib import Path

from aiohttp import web

# aiohttp-tus stores its config under a plain string key of the Application, which aiohttp
# (3.9+) warns about; it still works.
warnings.filterwarnings("ignore", category=web.NotAppKeyWarning)

from aiohttp_tus import setup_tus  # noqa: E402  (after the warning filter)


class Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 1 like every other error (argparse's own is 2)
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def parse_args(argv):
    parser = Parser(description="tus 1.0.0 test server (aiohttp-tus)")
    parser.add_argument("--dir", required=True, type=Path, help="where uploads are stored (created if missing)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; 0 (default) picks a free one")
    parser.add_argument("--allow-overwrite", action="store_true",
                        help="accept a new upload whose filename is already stored (default: 409)")
    parser.add_argument("--max-chunk", type=int, default=64 * 1024 * 1024,
                        help="largest PATCH body accepted, bytes (default 64 MiB; aiohttp's own default is 1 MiB)")
    parser.add_argument("--verbose", action="store_true", help="access log on stderr")
    return parser.parse_args(argv)


async def serve(args):
    args.dir.mkdir(parents=True, exist_ok=True)
    # aiohttp-tus reads each PATCH body whole with request.read(), which aiohttp caps at
    # client_max_size (1 MiB by default): raise it, our client sends chunks of up to 4 MiB.
    app = web.Application(client_max_size=args.max_chunk)
    setup_tus(app, upload_path=args.dir.resolve(), upload_url="/files",
              allow_overwrite_files=args.allow_overwrite)

    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5,
                           access_log=logging.getLogger("aiohttp.access") if args.verbose else None)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        site = web.TCPSite(runner, "127.0.0.1", args.port)
        await site.start()
        port = runner.addresses[0][1]
        sys.stdout.write(f"PORT {port}\n")
        sys.stdout.flush()
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO if args.verbose else logging.WARNING,
                        format="tus_server: %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(args))
    except OSError as error:  # e.g. the port is taken
        print(f"tus_server: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
