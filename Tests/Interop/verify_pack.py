#!/usr/bin/env python3
"""Checks a Sổ Tay content pack with another Ed25519 implementation (pyca/cryptography).

Usage: verify_pack.py PACK PUBLIC_KEY_BASE64
Prints one JSON line: {"ok": true, "version": N, "files": N} or {"ok": false, "reason": "..."}.
The format is in sync/PROTOCOL.md, "Content packs": the signature covers
b"sotay-content-pack/1\\n" + the manifest's bytes; each file's SHA-256 is in the manifest.
"""
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def main() -> int:
    path, key_b64 = sys.argv[1], sys.argv[2]
    raw_key = base64.b64decode(key_b64)
    key_id = hashlib.sha256(raw_key).hexdigest()[:16]
    key = Ed25519PublicKey.from_public_bytes(raw_key)
    with open(path, "rb") as handle:
        pack = json.load(handle)
    if pack.get("format") != "sotay-content-pack/1":
        return fail("format")
    manifest_bytes = base64.b64decode(pack["manifest"])
    message = b"sotay-content-pack/1\n" + manifest_bytes
    signed = False
    for signature in pack["signatures"]:
        if signature["keyId"] != key_id:
            continue
        try:
            key.verify(base64.b64decode(signature["signature"]), message)
            signed = True
        except InvalidSignature:
            return fail("bad signature")
    if not signed:
        return fail("no signature by this key")
    manifest = json.loads(manifest_bytes)
    names = {entry["path"] for entry in manifest["files"]}
    if names != set(pack["files"].keys()):
        return fail("files differ from the manifest")
    for entry in manifest["files"]:
        data = base64.b64decode(pack["files"][entry["path"]])
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            return fail("file " + entry["path"])
    print(json.dumps({"ok": True, "version": manifest["version"], "files": len(manifest["files"]), "packId": manifest["packId"]}))
    return 0


def fail(reason: str) -> int:
    print(json.dumps({"ok": False, "reason": reason}))
    return 1


if __name__ == "__main__":
    sys.exit(main())
