#!/usr/bin/env python3
"""Draws the lpkpi icon (a rising bar chart crossing a gold target line on a blue tile) as
icon.png (256x256) and icon.ico (PNG inside ICO), with the standard library only.
Run: python3 assets/icon/make_icon.py"""
import math, struct, zlib, os

N = 256
BG = (24, 86, 160)       # blue tile
BAR = (236, 243, 252)    # bars
GOLD = (242, 183, 5)     # target line

def inside_rounded(x, y, r=44):
    cx = min(max(x, r), N - 1 - r)
    cy = min(max(y, r), N - 1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

def pixel(x, y):
    if not inside_rounded(x, y):
        return (0, 0, 0, 0)
    # bars
    bars = [(48, 92, 172), (104, 148, 136), (160, 204, 84)]  # (x0, x1, top)
    for x0, x1, top in bars:
        if x0 <= x < x1 and top <= y < 212:
            return BAR + (255,)
    # target line (gold), slightly above the middle bar
    if 118 <= y < 130 and 36 <= x < 220:
        return GOLD + (255,)
    return BG + (255,)

rows = []
for y in range(N):
    row = bytearray([0])
    for x in range(N):
        row.extend(pixel(x, y))
    rows.append(bytes(row))
raw = b"".join(rows)

def chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
here = os.path.dirname(os.path.abspath(__file__))
open(os.path.join(here, "icon.png"), "wb").write(png)
# ICO with one 256x256 PNG image (width/height 0 means 256)
ico = struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 0, 0, 0, 0, 1, 32, len(png), 22) + png
open(os.path.join(here, "icon.ico"), "wb").write(ico)
