#!/usr/bin/env python3
"""Independent encoder for the golden frames of PROTOCOL.md §7.

Written from PROTOCOL.md alone, without the Rust code, so that the golden
bytes in tests/golden.rs and in the spec are checked by a second
implementation. Run it and compare its output with both:

    python3 firmware-host/wire/tests/golden.py

With `--seeds DIR` it also writes each frame as a seed input for the fuzz
target `decode_stream` (a header byte 0: no chunk sizes, then the frame):

    python3 firmware-host/wire/tests/golden.py --seeds firmware-host/wire/fuzz/corpus/decode_stream
"""

import argparse
import os
import struct


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def string(s):
    raw = s.encode("utf-8")
    return varint(len(raw)) + raw


def f32(x):
    return struct.pack("<f", x)


def option(value):
    return b"\x00" if value is None else b"\x01" + value


def seq(items):
    return varint(len(items)) + b"".join(items)


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def cobs(data):
    out = bytearray()
    block = bytearray()
    for idx, byte in enumerate(data):
        if byte == 0:
            out.append(len(block) + 1)
            out += block
            block = bytearray()
        else:
            block.append(byte)
            if len(block) == 254:
                out.append(255)
                out += block
                block = bytearray()
                # A full block that ends the input is not followed by an empty one.
                if idx == len(data) - 1:
                    return bytes(out)
    out.append(len(block) + 1)
    out += block
    return bytes(out)


def frame(message):
    body = message + struct.pack("<I", crc32c(message))
    return b"\x00" + cobs(body) + b"\x00"


MAX_FRAME = 2577

GOLDEN = [
    ("ping", "Ping { id: 7 }", varint(5) + varint(7)),
    ("ping_zero", "Ping { id: 0 }", varint(5) + varint(0)),
    ("pong", "Pong { id: 300 }", varint(6) + varint(300)),
    (
        "hello",
        'Hello { version: 1, min_version: 1, max_frame: 2577, agent: "hearth-link 0.1.0" }',
        varint(0) + varint(1) + varint(1) + varint(MAX_FRAME) + string("hearth-link 0.1.0"),
    ),
    (
        "utterance",
        'Utterance { id: 1, user: "ada", text: "turn on the kitchen light" }',
        varint(1) + varint(1) + string("ada") + string("turn on the kitchen light"),
    ),
    (
        "reply",
        'Reply { id: 1, intent: "turn_on", confidence: 0.75, slots: [("device", "kitchen light")], '
        'actions: ["light.kitchen on"], text: "The kitchen light is on." }',
        varint(2)
        + varint(1)
        + string("turn_on")
        + f32(0.75)
        + seq([string("device") + string("kitchen light")])
        + seq([string("light.kitchen on")])
        + string("The kitchen light is on."),
    ),
    (
        "timer_finished",
        'Event(TimerFinished { timer: "pasta", label: "pasta, 10 minutes" })',
        varint(3) + varint(0) + string("pasta") + string("pasta, 10 minutes"),
    ),
    (
        "device_state",
        'Event(DeviceState { device: "hall lamp", state: "off" })',
        varint(3) + varint(1) + string("hall lamp") + string("off"),
    ),
    (
        "error_frame",
        'Error { id: None, code: BAD_FRAME, detail: "bad CRC" }',
        varint(4) + option(None) + varint(1) + string("bad CRC"),
    ),
    (
        "error_request",
        'Error { id: Some(3), code: UNKNOWN_USER, detail: "no user bob" }',
        varint(4) + option(varint(3)) + varint(9) + string("no user bob"),
    ),
    (
        "utterance_full_block",
        'Utterance { id: 1, user: "a", text: "b" * 244 }',
        varint(1) + varint(1) + string("a") + string("b" * 244),
    ),
]


def hex_bytes(data):
    return " ".join(f"{b:02X}" for b in data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", metavar="DIR", help="write each frame as a fuzz seed into DIR")
    args = parser.parse_args()
    assert crc32c(b"123456789") == 0xE3069283
    if args.seeds:
        os.makedirs(args.seeds, exist_ok=True)
        for name, _, message in GOLDEN:
            with open(os.path.join(args.seeds, f"golden-{name}"), "wb") as seed:
                seed.write(b"\x00" + frame(message))
    for name, value, message in GOLDEN:
        wire = frame(message)
        print(f"{name}: {value}")
        print(f"  message ({len(message)}): {hex_bytes(message)}")
        print(f"  crc: {crc32c(message):08X}")
        print(f"  frame ({len(wire)}): {hex_bytes(wire)}")


if __name__ == "__main__":
    main()
