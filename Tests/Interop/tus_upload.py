#!/usr/bin/env python3
"""Uploads a file to a tus 1.0.0 server with an outside client, tuspy, chunk by chunk.

    .venv-test/bin/python Tests/Interop/tus_upload.py --endpoint URL --file PATH
        [--header 'Name: value']... [--metadata key=value]... [--chunk-size N]
        [--stop-after-chunks K] [--resume-url URL] [--checksum]

Without --resume-url it creates an upload (POST to --endpoint); with it, it asks the server for
the upload's offset (HEAD) and continues from there. It then sends one PATCH per chunk
(--chunk-size bytes, default 65536) until the file is complete, or, with --stop-after-chunks K,
after K chunks (an interruption: the upload is left unfinished; K may be 0).

On success it prints one JSON line on stdout:
    {"url": <absolute upload URL>, "offset": <offset after the last PATCH>}
with, when --resume-url was given, "resumedFrom": <the offset the server reported at start>.
On any error: a message on stderr and exit status 1.

tuspy base64-encodes metadata values itself: pass them plain (--metadata sha256=<hex>).
A relative Location (the hub sends `/v1/uploads/<id>`) is resolved against --endpoint by tuspy;
a relative --resume-url is resolved the same way here. --header may override Tus-Resumable.
--checksum sends tuspy's per-chunk `Upload-Checksum: sha1 <base64>` (tuspy knows only sha1).
"""

import argparse
import json
import os
import sys
from urllib.parse import urljoin

from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError


class UploadError(Exception):
    pass


def header_arg(text):
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected 'Name: value', got {text!r}")
    return name.strip(), value.strip()


def metadata_arg(text):
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected key=value, got {text!r}")
    return key, value


def positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def non_negative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


class Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 1 like every other error (argparse's own is 2)
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def parse_args(argv):
    parser = Parser(description="Upload a file with tuspy (tus 1.0.0 client).")
    parser.add_argument("--endpoint", required=True, help="the server's tus creation URL, e.g. http://127.0.0.1:8080/v1/uploads")
    parser.add_argument("--file", required=True, help="the file to upload")
    parser.add_argument("--header", action="append", type=header_arg, default=[], metavar="'NAME: VALUE'",
                        help="extra request header, sent with every request (repeatable)")
    parser.add_argument("--metadata", action="append", type=metadata_arg, default=[], metavar="KEY=VALUE",
                        help="Upload-Metadata entry, value given plain (repeatable)")
    parser.add_argument("--chunk-size", type=positive_int, default=64 * 1024, help="bytes per PATCH (default 65536)")
    parser.add_argument("--stop-after-chunks", type=non_negative_int, metavar="K",
                        help="send K chunks, then stop without finishing")
    parser.add_argument("--resume-url", help="continue this upload instead of creating one")
    parser.add_argument("--checksum", action="store_true", help="send Upload-Checksum (sha1) with each chunk")
    return parser.parse_args(argv)


def upload(args):
    size = os.path.getsize(args.file)
    client = tus_client.TusClient(args.endpoint, headers=dict(args.header))
    with open(args.file, "rb") as stream:
        options = dict(file_stream=stream, chunk_size=args.chunk_size,
                       metadata=dict(args.metadata), upload_checksum=args.checksum)
        result = {}
        if args.resume_url:
            # With a url, tuspy's constructor asks the server for the offset (HEAD).
            uploader = client.uploader(url=urljoin(args.endpoint, args.resume_url), **options)
            result["resumedFrom"] = uploader.offset
        else:
            uploader = client.uploader(**options)
            uploader.set_url(uploader.create_url())  # POST; tuspy resolves a relative Location
            uploader.offset = 0
        if uploader.offset > size:
            raise UploadError(f"the server reports offset {uploader.offset}, beyond the file's {size} bytes")

        chunks = 0
        while uploader.offset < size:
            if args.stop_after_chunks is not None and chunks >= args.stop_after_chunks:
                break
            before = uploader.offset
            uploader.upload_chunk()  # PATCH; raises unless 2xx; offset := the reply's Upload-Offset
            chunks += 1
            if not before < uploader.offset <= size:
                raise UploadError(f"the server answered Upload-Offset {uploader.offset} to a chunk sent at {before} "
                                  f"(file: {size} bytes)")
        return {"url": uploader.url, "offset": uploader.offset, **result}


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        result = upload(args)
    except TusCommunicationError as error:
        message = str(error)
        if error.status_code is not None and str(error.status_code) not in message:
            message += f" (status {error.status_code})"
        body = error.response_content
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        if body:
            message += f": {body[:1000]}"
        print(f"tus_upload: {message}", file=sys.stderr)
        return 1
    except (UploadError, OSError, ValueError, TypeError) as error:
        print(f"tus_upload: {error}", file=sys.stderr)
        return 1
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
