"""Writes vectors.json: AES-GCM and zlib outputs made exactly as the original library makes them.

Run with Debian's Python and PyCryptodome (module `Cryptodome`):

    /usr/bin/python3 test/vectors/make_vectors.py

Keys, nonces and plaintexts are fixed, so the file is the same on every run.
"""

import base64
import hashlib
import json
import os
import zlib

from Cryptodome.Cipher import AES

HERE = os.path.dirname(os.path.abspath(__file__))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def fixed_bytes(label: str, length: int) -> bytes:
    """Deterministic bytes, so the vectors are reproducible."""
    return hashlib.sha256(label.encode("utf-8")).digest()[:length]


def original_encrypt(key: bytes, plaintext: bytes, nonce: bytes) -> bytes:
    """The original AESCipher.encrypt, with the random nonce given instead of drawn."""
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
    encrypted, tag = cipher.encrypt_and_digest(plaintext)
    assert len(nonce) == 12 and len(tag) == 16
    return nonce + tag + encrypted


def original_decrypt(key: bytes, ciphertext: bytes) -> bytes:
    """The original AESCipher.decrypt: nonce, then tag, then ciphertext."""
    nonce, tag, encrypted = ciphertext[:12], ciphertext[12:28], ciphertext[28:]
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
    return cipher.decrypt_and_verify(encrypted, tag)


EVENT = (
    '{"timestamp":{"_type_":"datetime_iso","_data_":"2024-05-01T12:34:56.789+00:00"},'
    '"what":"dinosaurs"}'
).encode("utf-8")
CREATED = (
    '{"timestamp":{"_type_":"datetime_iso","_data_":"2024-05-01T12:34:56.123+00:00"},'
    '"originatorTopic":"World"}'
).encode("utf-8")

# (name, bytes, repeat): the plaintext is `bytes` repeated `repeat` times.
PLAINTEXTS = [
    ("empty", b"", 1),
    ("word", b"dinosaurs", 1),
    ("one block", b"0123456789abcdef", 1),
    ("event", EVENT, 1),
    ("utf-8", "Welt 🦕 Dinosaurier, Bäume, 恐竜".encode("utf-8"), 1),
    ("all byte values", bytes(range(256)), 1),
    ("long", b"trucks and internet ", 50),
]

ZLIB_PLAINTEXTS = PLAINTEXTS + [
    # About 5 KB of JSON: dynamic Huffman blocks.
    ("history", json.dumps(["thing %d" % i for i in range(500)]).encode("utf-8"), 1),
    # 100 KB that compresses to well under 4 KB: output beyond any small buffer.
    ("repetitive", EVENT, 1000),
]


def main() -> None:
    aes = []
    for size in (16, 24, 32):
        key = fixed_bytes("eventsourcing test key %d" % size, size)
        for name, data, repeat in PLAINTEXTS:
            plaintext = data * repeat
            nonce = fixed_bytes("nonce %d %s" % (size, name), 12)
            ciphertext = original_encrypt(key, plaintext, nonce)
            assert original_decrypt(key, ciphertext) == plaintext
            aes.append(
                {
                    "name": "AES-%d %s" % (size * 8, name),
                    "key": b64(key),
                    "nonce": b64(nonce),
                    "plaintext": b64(data),
                    "repeat": repeat,
                    "ciphertext": b64(ciphertext),
                }
            )

    compressed = []
    for level in (None, 0, 1, 9):
        for name, data, repeat in ZLIB_PLAINTEXTS:
            if level == 0 and repeat > 100:
                continue  # stored, it would only make the file large
            plaintext = data * repeat
            if level is None:
                output = zlib.compress(plaintext)
            else:
                output = zlib.compress(plaintext, level)
            assert zlib.decompress(output) == plaintext
            compressed.append(
                {
                    "name": "zlib %s %s" % ("default" if level is None else "level %d" % level, name),
                    "plaintext": b64(data),
                    "repeat": repeat,
                    "compressed": b64(output),
                }
            )

    # What the original's mapper stores with a compressor and a cipher: encrypt(compress(json)).
    mapped = []
    key = fixed_bytes("eventsourcing test key 32", 32)
    for name, data in (("created", CREATED), ("event", EVENT)):
        nonce = fixed_bytes("mapped nonce %s" % name, 12)
        mapped.append(
            {
                "name": "mapped %s" % name,
                "key": b64(key),
                "nonce": b64(nonce),
                "plaintext": b64(data),
                "repeat": 1,
                "state": b64(original_encrypt(key, zlib.compress(data), nonce)),
            }
        )

    vectors = {
        "about": "Made by make_vectors.py with PyCryptodome and zlib %s, as the original "
        "library's AESCipher (nonce, tag, ciphertext) and ZlibCompressor write them." % zlib.ZLIB_VERSION,
        "aes": aes,
        "zlib": compressed,
        "mapped": mapped,
    }
    with open(os.path.join(HERE, "vectors.json"), "w", encoding="utf-8") as out:
        json.dump(vectors, out, indent=2, ensure_ascii=False)
        out.write("\n")


if __name__ == "__main__":
    main()
