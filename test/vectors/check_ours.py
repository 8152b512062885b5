"""Decrypts and decompresses what this library's ciphers and compressor wrote, as the original does.

Reads JSON on stdin:

    {"aes": [{"name", "key", "plaintext", "ciphertext"}],
     "zlib": [{"name", "plaintext", "compressed"}],
     "mapped": [{"name", "key", "plaintext", "state"}]}

with bytes in base64. `state` is what a mapper stores: encrypt(compress(plaintext)). Prints
{"checked": N, "failures": [...]} and exits 1 when anything fails to match.
"""

import base64
import json
import sys
import zlib

from Cryptodome.Cipher import AES


def original_decrypt(key: bytes, ciphertext: bytes) -> bytes:
    """The original AESCipher.decrypt: nonce (12), tag (16), then ciphertext."""
    if len(ciphertext) < 28:
        raise ValueError("too short: %d bytes" % len(ciphertext))
    nonce, tag, encrypted = ciphertext[:12], ciphertext[12:28], ciphertext[28:]
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
    return cipher.decrypt_and_verify(encrypted, tag)


def main() -> int:
    cases = json.load(sys.stdin)
    checked = 0
    failures = []

    def check(name, decode, expected):
        nonlocal checked
        checked += 1
        try:
            actual = decode()
        except Exception as error:  # report every failure, not just the first
            failures.append("%s: %s: %s" % (name, type(error).__name__, error))
            return
        if actual != expected:
            failures.append("%s: decoded %d bytes that differ from the plaintext" % (name, len(actual)))

    for case in cases.get("aes", []):
        key = base64.b64decode(case["key"])
        data = base64.b64decode(case["ciphertext"])
        check(case["name"], lambda: original_decrypt(key, data), base64.b64decode(case["plaintext"]))

    for case in cases.get("zlib", []):
        data = base64.b64decode(case["compressed"])
        check(case["name"], lambda: zlib.decompress(data), base64.b64decode(case["plaintext"]))

    for case in cases.get("mapped", []):
        key = base64.b64decode(case["key"])
        data = base64.b64decode(case["state"])
        check(
            case["name"],
            lambda: zlib.decompress(original_decrypt(key, data)),
            base64.b64decode(case["plaintext"]),
        )

    print(json.dumps({"checked": checked, "failures": failures}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
